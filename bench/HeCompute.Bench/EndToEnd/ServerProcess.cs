using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace HeCompute.Bench.EndToEnd;

/// <summary>
/// The built HeCompute server (<c>dotnet HeCompute.Server.dll</c>) as a separate process on a free loopback port, with
/// a temporary data directory and a random bootstrap admin key; killed and its directory deleted on dispose.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dataDirectory;

    private ServerProcess(Process process, string dataDirectory, Uri baseAddress, string adminKey)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        AdminKey = adminKey;
    }

    /// <summary>The server's address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The bootstrap admin key.</summary>
    public string AdminKey { get; }

    /// <summary>The process id (for reading its CPU time).</summary>
    public Process Process => _process;

    /// <summary>The server dll next to this benchmark's build output: <c>server/HeCompute.Server/bin/&lt;configuration&gt;/&lt;framework&gt;</c>.</summary>
    public static string DefaultDll(string repositoryRoot)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(repositoryRoot, "server", "HeCompute.Server", "bin", output.Parent!.Name, output.Name, "HeCompute.Server.dll");
    }

    /// <summary>Starts the server and waits until <c>/health/ready</c> answers 200.</summary>
    /// <exception cref="FileNotFoundException">The dll has not been built.</exception>
    /// <exception cref="TimeoutException">The server did not become ready in time.</exception>
    public static async Task<ServerProcess> StartAsync(string dll, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build server/HeCompute.Server (Release) first, or pass --server-dll.", dll);
        }

        var port = FreePort();
        var adminKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var dataDirectory = Path.Combine(Path.GetTempPath(), "hecompute-bench-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["HeCompute__Storage__DataDirectory"] = dataDirectory;
        start.Environment["HeCompute__BootstrapAdminKey"] = adminKey;
        start.Environment["HeCompute__Jobs__PollInterval"] = "00:00:00.100";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");

        // Drain both pipes so a chatty server never blocks on a full buffer.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, dataDirectory, new Uri($"http://127.0.0.1:{port}/"), adminKey);
        try
        {
            await server.WaitReadyAsync(readyTimeout, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // The temp root is cleaned eventually; a leftover directory only costs disk.
        }
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before it was ready.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow first answer on a loaded machine: try again.
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"The server at {BaseAddress} was not ready within {timeout.TotalSeconds:F0} s.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
