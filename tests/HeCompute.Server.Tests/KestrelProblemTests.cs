using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using HeCompute.Contracts;
using HeCompute.Server.Endpoints;
using HeCompute.Server.Tests.Infrastructure;

namespace HeCompute.Server.Tests;

/// <summary>Refusals at the edge of the request (its target, its body) come back as problem details over real Kestrel.</summary>
public sealed class KestrelProblemTests : IDisposable
{
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
        // Past the API's limit and past Kestrel's own default (8 KiB), which answered 414 with no body.
        using var tooLong = await http.GetAsync("/v1/models/" + new string('m', RequestTargetLimit.MaxBytes + 2048));
        var problem = await Api.AssertProblemAsync(tooLong, HttpStatusCode.RequestUriTooLong, ProblemTypes.UriTooLong);
        Assert.Contains(RequestTargetLimit.MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Within the limit the request reaches authentication as usual.
        using var longButFine = await http.GetAsync("/v1/models/" + new string('m', RequestTargetLimit.MaxBytes - 100));
        await Api.AssertProblemAsync(longButFine, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task A_body_less_json_post_answers_a_400_problem_over_the_wire()
    {
        // Raw bytes, so nothing between the test and Kestrel adds a body or a header.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_uri.Host, _uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST /v1/admin/tenants HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + HeComputeFactory.AdminKey +
            "\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(ProblemTypes.BadRequest, answer, StringComparison.Ordinal);
    }
}
