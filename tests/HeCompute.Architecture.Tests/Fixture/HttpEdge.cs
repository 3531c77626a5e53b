// Fixture (see HttpServices.cs): the edge may speak HTTP.
using System.Net.Http;

namespace HeCompute.Architecture.Tests.Fixture.Http.Edge;

public static class Endpoint
{
    public static Uri? Handle(HttpRequestMessage request) => request.RequestUri;
}
