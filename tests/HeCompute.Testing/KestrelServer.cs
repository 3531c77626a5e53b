using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Testing;

/// <summary>The real server on Kestrel instead of the in-memory test server: clients talk to it over loopback TCP.</summary>
public static class KestrelServer
{
    /// <summary>Starts <paramref name="factory"/>'s server on Kestrel on a free loopback port and returns its address.</summary>
    public static Uri StartOnLoopback(this HeComputeFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        return new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    /// <summary>
    /// Starts the server on Kestrel over HTTPS on a free loopback port with the server's own HTTPS defaults: the
    /// certificate it generates in its data directory when none is configured. Returns the https address.
    /// </summary>
    public static Uri StartOnLoopbackHttps(this HeComputeFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps()));
        factory.StartServer();
        return new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }
}
