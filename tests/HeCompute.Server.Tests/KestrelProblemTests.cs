using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

/// <summary>Refusals at the edge of the request (its target, its body) come back as problem details over real Kestrel.</summary>
public sealed class KestrelProblemTests : IDisposable
{
    /// <summary>Kestrel's default request line limit, which the server keeps.</summary>
    private const int MaxRequestLine = 8 * 1024;

    private readonly TempDirectory _directory = new();
    private readonly HeComputeFactory _factory;
    private readonly Uri _uri;

    public KestrelProblemTests()
    {
        _factory = new HeComputeFactory(_directory.Path);
        _uri = _factory.StartOnLoopback();
    }

    public void Dispose()
    {
        _factory.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_too_long_uri_answers_a_414_problem_instead_of_kestrels_empty_answer()
    {
        using var http = new HttpClient { BaseAddress = _uri };
        // Past Kestrel's request line limit (8 KiB by default), which it answers before any middleware.
        using var tooLong = await http.GetAsync("/v1/models/" + new string('m', MaxRequestLine + 2048));
        var problem = await Api.AssertProblemAsync(tooLong, HttpStatusCode.RequestUriTooLong, ProblemTypes.UriTooLong);
        Assert.Contains("request line", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Within the limit the request reaches authentication as usual.
        using var longButFine = await http.GetAsync("/v1/models/" + new string('m', MaxRequestLine - 100));
        await Api.AssertProblemAsync(longButFine, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Theory]
    [InlineData("GET /v1/me HTTP/1.1\r\n\r\n", 400)]
    [InlineData("GET /v1/me HTTP/1.1\r\nHost: a b\r\n\r\n", 400)]
    [InlineData("POST /v1/datasets/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n", 400)]
    [InlineData("GET /v1/me HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n", 400)]
    public async Task A_request_kestrel_refuses_before_the_api_answers_a_problem_instead_of_an_empty_body(string request, int status)
    {
        var (head, body) = await RawAsync(request);
        Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/problem+json\r\n", head, StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", head, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(ProblemTypes.BadRequest, problem.RootElement.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_request_line_far_past_the_limit_answers_a_414_problem()
    {
        var (head, body) = await RawAsync("GET /" + new string('a', 4 * MaxRequestLine) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 414 ", head, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/problem+json\r\n", head, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(ProblemTypes.UriTooLong, problem.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_body_less_json_post_answers_a_400_problem_over_the_wire()
    {
        var (head, body) = await RawAsync(
            "POST /v1/admin/tenants HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + HeComputeFactory.AdminKey +
            "\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400 ", head, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(ProblemTypes.BadRequest, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nDate: Fri, 04 Dec 2026 19:00:00 GMT\r\nX-Content-Type-Options: nosniff\r\n\r\n")]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\nDate: Fri, 04 Dec 2026 19:00:00 GMT\r\nServer: Kestrel\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nDate: Fri, 04 Dec 2026 19:00:00 GMT\r\nServer: Kestrel\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nDate: Fri, 04 Dec 2026 19:00:00 GMT\r\nServer: Kestrel\r\n\r\n{}")]
    public void Only_kestrels_own_bare_refusal_is_rewritten(string answer)
    {
        Assert.Null(HeCompute.Server.Endpoints.BareKestrelErrors.Rewrite(Encoding.ASCII.GetBytes(answer)));
        Assert.NotNull(HeCompute.Server.Endpoints.BareKestrelErrors.Rewrite(Encoding.ASCII.GetBytes(
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nDate: Fri, 04 Dec 2026 19:00:00 GMT\r\nServer: Kestrel\r\n\r\n")));
    }

    /// <summary>Raw bytes over TCP, so nothing between the test and Kestrel adds or fixes a header; reads to the close.</summary>
    private async Task<(string Head, string Body)> RawAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_uri.Host, _uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync();
        var end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, answer);
        return (answer[..(end + 2)], answer[(end + 4)..]);
    }
}
