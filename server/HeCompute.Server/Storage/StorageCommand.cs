using HeCompute.Server.Options;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Storage;

/// <summary>
/// The server's storage admin commands, run instead of serving: <c>backup DIR</c> (while other nodes may keep
/// serving), <c>restore DIR</c> (into an empty store, before the server first starts on it) and <c>verify</c> (every
/// audit chain and blob hash). Each works on the storage the configuration names, like the server would.
/// </summary>
public static class StorageCommand
{
    /// <summary>The exit code for a command that failed (a damaged store, a non-empty target, a bad backup).</summary>
    public const int Failed = 1;

    /// <summary>The exit code for arguments that are no valid storage command.</summary>
    public const int Usage = 2;

    /// <summary>Runs the command <paramref name="args"/> names and returns its exit code, or null when they name none.</summary>
    public static async Task<int?> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        if (args.Count == 0 || args[0] is not ("backup" or "restore" or "verify"))
        {
            return null;
        }

        if ((args[0] == "verify") != (args.Count == 1) || args.Count > 2)
        {
            await output.WriteLineAsync("usage: HeCompute.Server backup DIR | restore DIR | verify").ConfigureAwait(false);
            return Usage;
        }

        var backup = services.GetRequiredService<StorageBackup>();
        var provider = services.GetRequiredService<IOptions<HeComputeServerOptions>>().Value.Storage.Provider;
        try
        {
            switch (args[0])
            {
                case "backup":
                    await services.GetRequiredService<IMetadataStore>().InitializeAsync(CancellationToken.None).ConfigureAwait(false);
                    var taken = await backup.BackupAsync(Path.GetFullPath(args[1]), CancellationToken.None).ConfigureAwait(false);
                    await output.WriteLineAsync(
                        $"backup of {provider} written to {Path.GetFullPath(args[1])}: {taken.Rows.Values.Sum()} rows, {taken.Blobs.Count} blobs ({taken.Blobs.Sum(b => b.Bytes)} bytes)")
                        .ConfigureAwait(false);
                    return 0;
                case "restore":
                    var restored = await backup.RestoreAsync(Path.GetFullPath(args[1]), CancellationToken.None).ConfigureAwait(false);
                    await output.WriteLineAsync($"restored {restored.Rows.Values.Sum()} rows and {restored.Blobs.Count} blobs into {provider}").ConfigureAwait(false);
                    return await VerifyAsync(backup, output).ConfigureAwait(false);
                default:
                    await services.GetRequiredService<IMetadataStore>().InitializeAsync(CancellationToken.None).ConfigureAwait(false);
                    return await VerifyAsync(backup, output).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            await output.WriteLineAsync($"{args[0]} failed: {ex.Message}").ConfigureAwait(false);
            return Failed;
        }
    }

    private static async Task<int> VerifyAsync(StorageBackup backup, TextWriter output)
    {
        var verification = await backup.VerifyAsync(CancellationToken.None).ConfigureAwait(false);
        await output.WriteLineAsync(
            $"audit: {(verification.Audit.Valid ? "valid" : "INVALID: " + verification.Audit.Reason)}, {verification.Audit.Entries} entries in {verification.Audit.Chains} chains; " +
            $"blobs: {verification.Blobs - verification.Damaged.Count} of {verification.Blobs} intact").ConfigureAwait(false);
        foreach (var damaged in verification.Damaged)
        {
            await output.WriteLineAsync($"damaged blob {damaged}").ConfigureAwait(false);
        }

        return verification.Valid ? 0 : Failed;
    }
}
