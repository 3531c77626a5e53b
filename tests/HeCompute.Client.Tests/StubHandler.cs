using System.Net;
using System.Text;

namespace HeCompute.Client.Tests;

/// <summary>Answers each request with the next canned response and records what was sent.</summary>
internal sealed class StubHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] responses) : HttpMessageHandler
{
    private int _next;

    public List<(HttpMethod Method, string Path, string? Authorization)> Requests { get; } = [];

    public static HttpResponseMessage Problem(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/problem+json") };

    public static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add((request.Method, request.RequestUri!.PathAndQuery, request.Headers.Authorization?.ToString()));
        var index = Math.Min(_next++, responses.Length - 1);
        return Task.FromResult(responses[index](request));
    }
}
