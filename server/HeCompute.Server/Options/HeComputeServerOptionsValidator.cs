using Microsoft.Extensions.Options;

namespace HeCompute.Server.Options;

/// <summary>Rejects settings the server cannot run with, at start (<c>ValidateOnStart</c>).</summary>
public sealed class HeComputeServerOptionsValidator : IValidateOptions<HeComputeServerOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, HeComputeServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Storage.DataDirectory))
        {
            errors.Add("HeCompute:Storage:DataDirectory must be set.");
        }

        var storage = options.Storage;
        if (storage.Provider is not (StorageOptions.SqliteProvider or StorageOptions.PostgresProvider))
        {
            errors.Add($"HeCompute:Storage:Provider must be '{StorageOptions.SqliteProvider}' or '{StorageOptions.PostgresProvider}'.");
        }
        else if (storage.Provider == StorageOptions.PostgresProvider)
        {
            var postgres = storage.Postgres;
            if (string.IsNullOrWhiteSpace(postgres.ConnectionString))
            {
                errors.Add("HeCompute:Storage:Postgres:ConnectionString must be set for the postgres provider.");
            }

            if (postgres.MaxPoolSize is < 1 or > 1000)
            {
                errors.Add("HeCompute:Storage:Postgres:MaxPoolSize must be between 1 and 1000.");
            }

            if (postgres.Blobs is not (PostgresStorageOptions.DatabaseBlobs or PostgresStorageOptions.DirectoryBlobs))
            {
                errors.Add($"HeCompute:Storage:Postgres:Blobs must be '{PostgresStorageOptions.DatabaseBlobs}' or '{PostgresStorageOptions.DirectoryBlobs}'.");
            }

            if (postgres.BlobChunkBytes is < 4096 or > 64 << 20)
            {
                errors.Add("HeCompute:Storage:Postgres:BlobChunkBytes must be between 4096 and 67108864.");
            }

            // Every node of one database must wrap and unwrap with the same master key: a key generated per node
            // would make each node's blobs unreadable to the others.
            if (string.IsNullOrWhiteSpace(options.AtRest.MasterKey) && string.IsNullOrWhiteSpace(options.AtRest.MasterKeyFile))
            {
                errors.Add(
                    "HeCompute:AtRest:MasterKey or HeCompute:AtRest:MasterKeyFile must be set for the postgres provider: every node needs the same master key " +
                    "(32 bytes in base64, e.g. from a secret file; make one with: openssl rand -base64 32), none is generated.");
            }
        }

        var limits = options.Limits;
        if (limits.MaxRequestBodyBytes < 1024 || limits.MaxJsonBodyBytes < 1024 || limits.MaxKeySetPartBytes < 1024 || limits.MaxKeySetUploadBytes < 1024)
        {
            errors.Add("HeCompute:Limits values must each be at least 1024 bytes.");
        }

        if (limits.MaxKeySetUploadBytes > limits.MaxRequestBodyBytes)
        {
            errors.Add("HeCompute:Limits:MaxKeySetUploadBytes cannot exceed MaxRequestBodyBytes.");
        }

        if (limits.KeySetLifetime is { } lifetime && (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(Contracts.KeySetParts.MaxLifetimeDays)))
        {
            errors.Add($"HeCompute:Limits:KeySetLifetime must be positive and at most {Contracts.KeySetParts.MaxLifetimeDays} days.");
        }

        if (limits.MaxKeySetPartBytes > limits.MaxKeySetUploadBytes)
        {
            errors.Add("HeCompute:Limits:MaxKeySetPartBytes cannot exceed MaxKeySetUploadBytes.");
        }

        if (options.KeyCache.ByteBudget < 0)
        {
            errors.Add("HeCompute:KeyCache:ByteBudget cannot be negative.");
        }

        var jobs = options.Jobs;
        if (jobs.MaxConcurrency is < 1 or > 64)
        {
            errors.Add("HeCompute:Jobs:MaxConcurrency must be between 1 and 64.");
        }

        if (jobs.MaxAttempts < 1)
        {
            errors.Add("HeCompute:Jobs:MaxAttempts must be at least 1.");
        }

        if (jobs.ResultRetention <= TimeSpan.Zero || jobs.PurgeInterval <= TimeSpan.Zero || jobs.PollInterval <= TimeSpan.Zero || jobs.LeaseDuration <= TimeSpan.Zero)
        {
            errors.Add("HeCompute:Jobs time spans must be positive.");
        }

        var analytics = options.Analytics;
        if (analytics.PredictTimeBudget <= TimeSpan.Zero)
        {
            errors.Add("HeCompute:Analytics:PredictTimeBudget must be positive.");
        }

        if (analytics.CompiledModelCapacity < 1 || analytics.MaxBatchInputs < 1 || analytics.MaxModelBytes < 1024)
        {
            errors.Add("HeCompute:Analytics:CompiledModelCapacity and MaxBatchInputs must be at least 1, MaxModelBytes at least 1024.");
        }

        if (analytics.StatisticsCheckpointInterval < 1)
        {
            errors.Add("HeCompute:Analytics:StatisticsCheckpointInterval must be at least 1 (batches between checkpoints).");
        }

        if (analytics.MaxModelBytes > limits.MaxRequestBodyBytes)
        {
            errors.Add("HeCompute:Analytics:MaxModelBytes cannot exceed HeCompute:Limits:MaxRequestBodyBytes.");
        }

        var compute = options.Compute;
        if (compute.Workers < 1 || compute.ThreadsPerItem < 1 || compute.QueueCapacity < 1)
        {
            errors.Add("HeCompute:Compute:Workers, ThreadsPerItem and QueueCapacity must each be at least 1.");
        }
        else if ((long)compute.Workers * compute.ThreadsPerItem > Environment.ProcessorCount)
        {
            errors.Add(
                $"HeCompute:Compute:Workers × ThreadsPerItem ({compute.Workers} × {compute.ThreadsPerItem}) exceeds the {Environment.ProcessorCount} processors; " +
                "compute would oversubscribe the machine.");
        }

        if (compute.MaxItemsPerTenant < 1)
        {
            errors.Add("HeCompute:Compute:MaxItemsPerTenant must be at least 1.");
        }

        RateLimitsOptionsValidator.Validate(options.RateLimits, errors);

        if (options.BootstrapAdminKey is { } key && (key.Length < 32 || key.Any(char.IsWhiteSpace)))
        {
            errors.Add("HeCompute:BootstrapAdminKey must be at least 32 characters without whitespace.");
        }

        if (options.PublicBaseUrl is { } publicUrl
            && (!Uri.TryCreate(publicUrl, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http") || parsed.Query.Length > 0 || parsed.Fragment.Length > 0))
        {
            errors.Add("HeCompute:PublicBaseUrl must be an absolute http or https URL without query or fragment.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
