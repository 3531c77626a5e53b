using System.Diagnostics;
using System.Text;
using System.Text.Json;
using HeCompute.Ckks.Tests.Interop;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>
/// Runs <c>tests/interop/seal-predict-client.mjs</c>, the standalone node-seal client (Microsoft SEAL 4.1 and the
/// HTTP API, nothing else), against a server listening on a real address.
/// </summary>
public static class SealPredictScript
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The script's path.</summary>
    public static string ScriptPath => Path.Combine(NodeSeal.InteropDir, "seal-predict-client.mjs");

    /// <summary>
    /// Predicts <paramref name="records"/> (raw features) with the model as the tenant of <paramref name="apiKey"/>, the
    /// script generating its own keys and uploading them with <paramref name="compression"/>; returns the script's JSON
    /// (<c>parms_id</c>, <c>key_set_id</c>, <c>key_set_bytes</c>, <c>outputs</c>). Fails with the script's stderr.
    /// </summary>
    public static async Task<JsonElement> RunAsync(Uri server, string apiKey, string modelId, IReadOnlyList<double[]> records, string compression)
    {
        using var directory = new TempDirectory();
        var recordsFile = Path.Combine(directory.Path, "records.json");
        await File.WriteAllTextAsync(recordsFile, JsonSerializer.Serialize(records), new UTF8Encoding(false));
        var start = new ProcessStartInfo(NodeSeal.NodePath)
        {
            WorkingDirectory = NodeSeal.InteropDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--experimental-wasm-exnref", ScriptPath, server.ToString(), modelId, recordsFile, compression })
        {
            start.ArgumentList.Add(argument);
        }

        // The key goes through the environment, not the command line other users of the machine can read.
        start.Environment["HECOMPUTE_API_KEY"] = apiKey;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"seal-predict-client.mjs did not finish within {Timeout}; stderr: {await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"seal-predict-client.mjs failed (exit code {process.ExitCode}): {await stderr}");
        }

        using var result = JsonDocument.Parse(await stdout);
        return result.RootElement.Clone();
    }
}
