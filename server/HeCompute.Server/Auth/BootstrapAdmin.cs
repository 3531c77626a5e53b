using HeCompute.Contracts;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Auth;

/// <summary>
/// Makes sure an admin can log in: installs <c>HeCompute:BootstrapAdminKey</c> when configured; otherwise, when no
/// admin key can log in (every one revoked or expired), generates one and writes it to <see cref="KeyFileName"/> in the data directory (0600), printing
/// and logging only that file's path: the console is the log under systemd, and the key never reaches either.
/// </summary>
public sealed partial class BootstrapAdmin(
    IMetadataStore metadata, StoragePaths paths, IOptions<HeComputeServerOptions> options, TimeProvider time, ILogger<BootstrapAdmin> logger) : IHostedService
{
    /// <summary>The tenant that holds the administrators' keys.</summary>
    public const string SystemTenantId = "system";

    /// <summary>The file in the data directory that receives a generated admin key.</summary>
    public const string KeyFileName = "admin-key";

    /// <summary>Where the key file's path is announced (the console; tests may replace it).</summary>
    public static TextWriter Console { get; set; } = System.Console.Out;

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await metadata.Tenants.GetAsync(SystemTenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            await metadata.Tenants.CreateAsync(new TenantRecord(SystemTenantId, "System administrators", now), cancellationToken).ConfigureAwait(false);
        }

        var configured = options.Value.BootstrapAdminKey;
        if (configured is not null)
        {
            var keyId = ApiKeyToken.KeyIdOf(configured);
            await metadata.ApiKeys.UpsertAsync(
                new ApiKeyRecord(keyId, SystemTenantId, "bootstrap admin (configuration)", [Roles.Admin], ApiKeyToken.Hash(configured), now, null),
                cancellationToken).ConfigureAwait(false);
            LogConfigured(logger, keyId);
            return;
        }

        if (await metadata.ApiKeys.AnyActiveAdminAsync(now, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var (id, secret) = ApiKeyToken.Generate();
        await metadata.ApiKeys.UpsertAsync(
            new ApiKeyRecord(id, SystemTenantId, "bootstrap admin (generated)", [Roles.Admin], ApiKeyToken.Hash(secret), now, null),
            cancellationToken).ConfigureAwait(false);
        var keyFile = Path.Combine(paths.DataDirectory, KeyFileName);
        PrivateFiles.WriteSecret(keyFile, secret + "\n");
        LogGenerated(logger, id, keyFile);
        await Console.WriteLineAsync(
            $"""

            ================================================================================
             HeCompute: first start. An admin API key was created and written to
               {keyFile}
             (mode 0600). Use it as 'Authorization: Bearer <key>', e.g.
               export HECOMPUTE_API_KEY="$(cat '{keyFile}')"
             then create tenants and keys, and delete the file once the key is stored safely.
            ================================================================================

            """).ConfigureAwait(false);
        await Console.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin key {KeyId} installed from configuration")]
    private static partial void LogConfigured(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No admin key existed: generated admin key {KeyId} and wrote it to {KeyFile} (0600)")]
    private static partial void LogGenerated(ILogger logger, string keyId, string keyFile);
}
