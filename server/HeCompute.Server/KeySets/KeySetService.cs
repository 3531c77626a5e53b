using HeCompute.Server.Audit;
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
    EvaluationKeyCache cache,
    IOptions<HeComputeServerOptions> options,
    HeComputeMetrics metrics,
    TimeProvider time,
    ILogger<KeySetService> logger)
{
    /// <summary>Reads, validates and stores an upload for the tenant.</summary>
    /// <param name="tenantId">The owner.</param>
    /// <param name="request">A multipart/form-data request.</param>
    /// <param name="audit">Receives the parts' hashes, the parms_id and the new id.</param>
    /// <param name="cancellationToken">Aborts the upload.</param>
    public async Task<KeySetRecord> CreateAsync(string tenantId, HttpRequest request, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var limits = options.Value.Limits;
        using var upload = await KeySetUpload.ReadAsync(request, blobs, limits, cancellationToken).ConfigureAwait(false);
        audit.BodiesIn.AddRange(upload.Parts.Values.Select(p => p.Sha256));
        var keys = KeySetLoader.Load(upload.Openers(), limits.MaxKeySetPartBytes);
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
            time.GetUtcNow());
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

        cache.Put(record.Id, tenantId, keys);
        metrics.RecordKeySetUploaded(upload.TotalBytes);
        LogCreated(logger, record.Id, tenantId, record.ParmsId, upload.TotalBytes, record.GaloisElements.Count);
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

        cache.Evict(keySetId);
        await collector.ReleaseAsync(released, CancellationToken.None).ConfigureAwait(false);
        LogDeleted(logger, keySetId, tenantId);
        return true;
    }

    /// <summary>The deserialized keys of the tenant's key set, or null if it has none with this id.</summary>
    public async Task<(KeySetRecord Record, LoadedKeySet Keys)?> GetKeysAsync(string tenantId, string keySetId, CancellationToken cancellationToken)
    {
        var record = await metadata.KeySets.GetAsync(tenantId, keySetId, cancellationToken).ConfigureAwait(false);
        return record is null ? null : (record, await cache.GetAsync(record, cancellationToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Key set {KeySetId} stored for tenant {TenantId}: parms {ParmsId}, {Bytes} bytes, {GaloisCount} Galois elements")]
    private static partial void LogCreated(ILogger logger, string keySetId, string tenantId, string parmsId, long bytes, int galoisCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Key set {KeySetId} of tenant {TenantId} deleted")]
    private static partial void LogDeleted(ILogger logger, string keySetId, string tenantId);
}
