using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HeCompute.Server.Tests.Cluster;

/// <summary>
/// Debian's <c>redis-server</c> on a free loopback port, in a temporary directory, persisting nothing
/// (<c>--save '' --appendonly no</c>): the cluster's membership table. Fails (never skips) when the package is
/// missing: test.sh installs it.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private readonly TempDirectory _directory = new();
    private readonly Process _process;

    public RedisServer()
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing: apt-get install redis-server (test.sh installs it).");
        Port = ServerProcess.FreePort();
        var start = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = _directory.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory.Path })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitForPong();
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _directory.Dispose();
    }

    private void WaitForPong()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                using var stream = client.GetStream();
                stream.Write("PING\r\n"u8);
                var buffer = new byte[16];
                var read = stream.Read(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(20) && !_process.HasExited)
            {
            }

            Assert.False(_process.HasExited, "redis-server exited at start");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "redis-server did not answer PING within 20 s");
            Thread.Sleep(100);
        }
    }
}
