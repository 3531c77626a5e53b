using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HeCompute.Dicom.Tests.Web;

/// <summary>Debian's Orthanc with its DICOMweb plugin (packages orthanc, orthanc-dicomweb, installed by test.sh),
/// started for the tests on a free loopback port with a scratch storage directory, and stopped (this process only)
/// when disposed. A missing package fails loudly. Self-contained: tests/HeCompute.EndToEnd.Tests links this file.</summary>
public sealed class OrthancServer : IDisposable
{
    private const string Executable = "/usr/sbin/Orthanc";
    private const string Plugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
    private readonly Process _process;
    private readonly string _directory;

    public OrthancServer()
    {
        Require(Executable, "orthanc");
        Require(Plugin, "orthanc-dicomweb");
        _directory = Path.Combine(Path.GetTempPath(), "hecompute-orthanc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        int port = FreePort();
        string storage = Path.Combine(_directory, "storage");
        Directory.CreateDirectory(storage);
        string config = Path.Combine(_directory, "orthanc.json");
        File.WriteAllText(config, $$"""
            {
              "Name": "HeComputeTests", "StorageDirectory": "{{storage}}", "IndexDirectory": "{{storage}}",
              "HttpPort": {{port}}, "HttpBindAddress": "127.0.0.1", "RemoteAccessAllowed": false, "AuthenticationEnabled": false,
              "DicomServerEnabled": false, "DicomPort": 0,
              "Plugins": ["{{Plugin}}"],
              "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": false }
            }
            """);
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(config);
        _process = Process.Start(start) ?? throw new InvalidOperationException("Orthanc did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            WaitUntilUp();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Orthanc's REST root.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The DICOMweb root.</summary>
    public Uri DicomWebRoot => new(BaseAddress, "dicom-web/");

    public HttpClient Http { get; }

    /// <summary>Stores a Part 10 file through Orthanc's own REST API (POST /instances), not through our client.</summary>
    public void Store(string path)
    {
        using var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/dicom");
        using var response = Http.PostAsync(new Uri(BaseAddress, "instances"), content).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Orthanc refused {path}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static void Require(string path, string package)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Required test PACS '{path}' is missing: install the Debian package '{package}' (test.sh does). Tests never skip silently.");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void WaitUntilUp()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Orthanc exited with {_process.ExitCode} before answering.");
            }

            try
            {
                using var response = Http.GetAsync(new Uri(BaseAddress, "dicom-web/studies")).GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Orthanc did not answer within 60 s.");
            }

            Thread.Sleep(200);
        }
    }
}
