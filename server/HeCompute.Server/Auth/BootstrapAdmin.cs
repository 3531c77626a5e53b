using HeCompute.Contracts;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.Auth;

/// <summary>
/// Makes sure an admin can log in: installs <c>HeCompute:BootstrapAdminKey</c> when configured; otherwise, when no
/// admin key exists, generates one and prints it once to the console (never to the logs).
/// </summary>
public sealed partial class BootstrapAdmin(
    IMetadataStore metadata, IOptions<HeComputeServerOptions> options, TimeProvider time, ILogger<BootstrapAdmin> logger) : IHostedService
{
    /// <summary>The tenant that holds the administrators' keys.</summary>
    public const string SystemTenantId = "system";

    /// <summary>Where the one-time key is printed (the console; tests may replace it).</summary>
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

        if (await metadata.ApiKeys.AnyActiveAdminAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var (id, secret) = ApiKeyToken.Generate();
        await metadata.ApiKeys.UpsertAsync(
            new ApiKeyRecord(id, SystemTenantId, "bootstrap admin (generated)", [Roles.Admin], ApiKeyToken.Hash(secret), now, null),
            cancellationToken).ConfigureAwait(false);
        LogGenerated(logger, id);
        await Console.WriteLineAsync(
            $"""

            ================================================================================
             HeCompute: first start. An admin API key was created; it is shown only now:

               {secret}

             Use it as 'Authorization: Bearer <key>' to create tenants and keys.
            ================================================================================

            """).ConfigureAwait(false);
        await Console.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin key {KeyId} installed from configuration")]
    private static partial void LogConfigured(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No admin key existed: generated admin key {KeyId} and printed it to the console once")]
    private static partial void LogGenerated(ILogger logger, string keyId);
}
