using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using HeCompute.Contracts;
using HeCompute.Server.Endpoints;

namespace HeCompute.Server.Tests.Cluster;

/// <summary>
/// One server node as an operator runs it: <c>dotnet HeCompute.Server.dll</c> (the build in this test's output), its
/// settings in environment variables, its own loopback HTTP and silo ports, joined to a Redis membership table.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(string name, Process process, Uri address)
    {
        Name = name;
        _process = process;
        Address = address;
    }

    public string Name { get; }

    public Uri Address { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a node (it is ready once <see cref="WaitReadyAsync"/> returns).</summary>
    public static ServerProcess Start(string name, SharedStorage storage, RedisServer redis, string clusterId)
    {
        var httpPort = FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HeCompute.Server.dll"));
        var settings = new Dictionary<string, string>(storage.SettingsFor(name))
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["HeCompute__BootstrapAdminKey"] = HeComputeFactory.AdminKey,
            ["HeCompute__Limits__MaxKeySetPartBytes"] = HeComputeFactory.PartLimit.ToString(CultureInfo.InvariantCulture),
            ["HeCompute__Limits__MaxKeySetUploadBytes"] = (64L << 20).ToString(CultureInfo.InvariantCulture),
            ["HeCompute__RateLimits__Enabled"] = "false",
            ["HeCompute__Cluster__Redis"] = redis.ConnectionString,
            ["HeCompute__Cluster__ClusterId"] = clusterId,
            ["HeCompute__Cluster__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            // Failure detection in about 3 s rather than 15 s, so the test's wait after kill -9 stays short.
            ["HeCompute__Cluster__ProbeTimeout"] = "00:00:01",
            // A dead node's jobs are taken over within about 2.5 s of the kill rather than 8 s.
            ["HeCompute__Jobs__LeaseDuration"] = "00:00:02",
            ["HeCompute__Jobs__PollInterval"] = "00:00:00.250",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var node = new ServerProcess(name, process, new Uri($"http://127.0.0.1:{httpPort}"));
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (the silo joined and storage works).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, $"{Name} exited at start:\n{Output}");
            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            Assert.True(deadline.Elapsed < timeout, $"{Name} not ready within {timeout}:\n{Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>A client of this node with the admin key.</summary>
    public HttpClient Admin() => Client(HeComputeFactory.AdminKey);

    /// <summary>A client of this node authenticated with <paramref name="secret"/>.</summary>
    public HttpClient Client(string secret)
    {
        var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }

    /// <summary>This node's view of the cluster and what it holds.</summary>
    public async Task<ClusterNodeResponse> ClusterAsync()
    {
        using var admin = Admin();
        return (await admin.GetFromJsonAsync<ClusterNodeResponse>("/v1/admin/cluster", HeComputeJson.Options))!;
    }

    /// <summary>SIGKILL: the node dies without leaving the cluster.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, then waits for the process to exit (its host stops the silo gracefully).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        Assert.True(_process.ExitCode == 0, $"{Name} exited with {_process.ExitCode} after SIGTERM:\n{Output}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

    /// <summary>A loopback TCP port free now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
