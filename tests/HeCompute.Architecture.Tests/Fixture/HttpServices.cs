// A planted fixture for CheckerSelfTests: services that take or return HTTP types (System.Net.Http here, standing in
// for ASP.NET Core's) in visible signatures are violations; a private helper and a body-only use are not, for a
// signature rule.
using System.Net.Http;

namespace HeCompute.Architecture.Tests.Fixture.Http.Services;

public static class TakesRequest
{
    public static string Describe(HttpRequestMessage request) => request.Method.Method;
}

public static class ReturnsResponse
{
    internal static HttpResponseMessage Make() => new();
}

public static class KeepsItPrivate
{
    public static string Run() => Build().Method.Method;

    private static HttpRequestMessage Build() => new();
}

public sealed class ConstructedWith
{
    public ConstructedWith(HttpClient client) => Timeout = client.Timeout;

    public TimeSpan Timeout { get; }
}
