using HeCompute.Server.Audit;
using HeCompute.Server.Compute;
using HeCompute.Server.Options;
using HeCompute.Server.Storage;
using HeCompute.Server.Telemetry;
using Microsoft.Extensions.Options;

namespace HeCompute.Server.KeySets;

/// <summary>Creates, looks up and deletes key sets: validation, durable storage, cache and blob reference counting.</summary>
public sealed partial class KeySetService(
    IMetadataStore metadata,
    IBlobStore blobs,
    BlobCollector collector,
    IEvaluationKeySource keySource,
    IComputeScheduler compute,
    IOptions<HeComputeServerOptions> options,
    HeComputeMetrics metrics,
    TimeProvider time,
    ILogger<KeySetService> logger)
{
    /// <summary>Validates and stores an uploaded key set for the tenant (the caller keeps and disposes <paramref name="upload"/>).</summary>
    /// <param name="tenantId">The owner.</param>
    /// <param name="upload">The staged parts.</param>
    /// <param name="audit">Receives the parts' hashes, the parms_id and the new id.</param>
    /// <param name="cancellationToken">Aborts the upload.</param>
    /// <exception cref="Errors.DomainException">Invalid or insecure parameters, a malformed key, a secret key, no key at all, or an invalid expiry.</exception>
    public async Task<KeySetRecord> CreateAsync(string tenantId, KeySetUpload upload, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(audit);
        audit.BodiesIn.AddRange(upload.Parts.Values.Select(p => p.Sha256));
        var now = time.GetUtcNow();
        var expiresAt = KeySetExpiry.For(upload.ExpiresAt, options.Value.Limits.KeySetLifetime, now);
        var keys = await compute.RunAsync(new ComputeRequest("keyset-load", TenantId: tenantId), _ => LoadAndValidate(upload), cancellationToken).ConfigureAwait(false);
        var record = new KeySetRecord(
            Ids.New("ks"),
            tenantId,
            upload.Name,
            keys.Parameters.ParmsId.ToString(),
            (ulong)keys.Parameters.PolyModulusDegree,
            KeySetLoader.CoeffModulusBits(keys.Parameters),
            keys.GaloisElements,
            keys.PublicKey is not null,
            keys.RelinKeys is not null,
            [.. Contracts.KeySetParts.Binary.Where(upload.Parts.ContainsKey)
                .Select(name => new BlobReference(name, upload.Parts[name].Sha256, upload.Parts[name].Length))],
            now,
            expiresAt);
        audit.ParmsId = record.ParmsId;
        audit.ObjectIds.Add(record.Id);

        await collector.WithLockAsync(async () =>
        {
            foreach (var staged in upload.Parts.Values)
            {
                await blobs.CommitAsync(staged, cancellationToken).ConfigureAwait(false);
            }

            await metadata.KeySets.CreateAsync(record, CancellationToken.None).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

        keySource.Put(record.Id, tenantId, keys);
        metrics.RecordKeySetUploaded(upload.TotalBytes);
        LogCreated(logger, record.Id, tenantId, record.ParmsId, upload.TotalBytes, record.GaloisElements.Count);
        return record;
    }

    /// <summary>The tenant's key set record.</summary>
    /// <exception cref="Errors.NotFoundException">The tenant has no key set with this id.</exception>
    public async Task<KeySetRecord> GetAsync(string tenantId, string keySetId, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        audit.ObjectIds.Add(keySetId);
        var record = await metadata.KeySets.GetAsync(tenantId, keySetId, cancellationToken).ConfigureAwait(false)
            ?? throw new Errors.NotFoundException("key set");
        audit.ParmsId = record.ParmsId;
        return record;
    }

    /// <summary>Deletes the tenant's key set and every blob no longer referenced; false if not found.</summary>
    public async Task<bool> DeleteAsync(string tenantId, string keySetId, CancellationToken cancellationToken)
    {
        var released = await metadata.KeySets.DeleteAsync(tenantId, keySetId, cancellationToken).ConfigureAwait(false);
        if (released is null)
        {
            return false;
        }

        keySource.Evict(tenantId, keySetId);
        await collector.ReleaseAsync(released, CancellationToken.None).ConfigureAwait(false);
        LogDeleted(logger, keySetId, tenantId);
        return true;
    }

    /// <summary>The deserialized keys of the tenant's key set, or null if it has none with this id.</summary>
    public async Task<(KeySetRecord Record, LoadedKeySet Keys)?> GetKeysAsync(string tenantId, string keySetId, CancellationToken cancellationToken)
    {
        var record = await metadata.KeySets.GetAsync(tenantId, keySetId, cancellationToken).ConfigureAwait(false);
        return record is null ? null : (record, await LoadKeysAsync(record, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The deserialized keys of a key set record the caller looked up for its tenant.</summary>
    public Task<LoadedKeySet> LoadKeysAsync(KeySetRecord keySet, CancellationToken cancellationToken) => keySource.GetAsync(keySet, cancellationToken);

    /// <summary>Deserializes and validates the uploaded keys against their parameters (the heavy work of an upload).</summary>
    public LoadedKeySet LoadAndValidate(KeySetUpload upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return KeySetLoader.Load(upload.Openers(), options.Value.Limits.MaxKeySetPartBytes);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Key set {KeySetId} stored for tenant {TenantId}: parms {ParmsId}, {Bytes} bytes, {GaloisCount} Galois elements")]
    private static partial void LogCreated(ILogger logger, string keySetId, string tenantId, string parmsId, long bytes, int galoisCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key set {KeySetId} of tenant {TenantId} deleted")]
    private static partial void LogDeleted(ILogger logger, string keySetId, string tenantId);
}
