using HeCompute.Contracts;
using HeCompute.Server.KeySets;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Endpoints;

/// <summary>Records to response contracts.</summary>
internal static class Mapping
{
    public static TenantResponse ToResponse(this TenantRecord tenant) => new(tenant.Id, tenant.Name, tenant.CreatedAt);

    public static ApiKeyResponse ToResponse(this ApiKeyRecord key) => new(key.Id, key.TenantId, key.Name, key.Roles, key.CreatedAt, key.RevokedAt, key.ExpiresAt, key.PreviousSecretHash is null ? null : key.PreviousSecretExpiresAt);

    public static KeySetResponse ToResponse(this KeySetRecord keySet, DateTimeOffset now) => new(
        keySet.Id,
        keySet.Name,
        keySet.ParmsId,
        keySet.PolyModulusDegree,
        keySet.CoeffModulusBits,
        [.. keySet.Parts.Select(p => new KeySetPartResponse(p.Name, p.Sha256, p.Bytes))],
        keySet.HasPublicKey,
        keySet.HasRelinKeys,
        keySet.GaloisElements,
        keySet.Parts.Sum(p => p.Bytes),
        keySet.CreatedAt,
        keySet.ExpiresAt,
        KeySetExpiry.IsExpired(keySet, now));

    public static ModelResponse ToResponse(this ModelRecord model, string callerTenantId) => new(
        model.Id,
        model.Name,
        model.Kind,
        model.Source,
        model.Shared,
        model.TenantId == callerTenantId,
        model.Features,
        model.Outputs,
        model.Sha256,
        Plans.StoredPlans.Read(model.PlanJson),
        model.CreatedAt);

    public static DatasetResponse ToResponse(this DatasetRecord dataset, DatasetAccess access) => new(
        dataset.Id,
        dataset.Name,
        access == DatasetAccess.Owner,
        dataset.Columns,
        dataset.Scales,
        dataset.Lower,
        dataset.Upper,
        dataset.CountColumn,
        dataset.EncryptedFinish,
        access == DatasetAccess.Owner ? dataset.KeySetId : null,
        dataset.Batches,
        dataset.Records,
        Plans.StoredPlans.Read(dataset.PlanJson),
        dataset.CreatedAt,
        dataset.NoiseFlooding,
        dataset.MaxRecords);

    public static DatasetBatchResponse ToResponse(this DatasetBatchRecord batch) =>
        new(batch.Id, batch.Records, batch.Sha256, batch.Bytes, batch.ContributorTenantId, batch.CreatedAt);

    public static JobResponse ToResponse(this JobRecord job) => new(
        job.Id,
        job.Kind,
        job.State,
        job.Progress,
        job.ProgressMessage,
        job.Attempts,
        job.Error,
        job.State == JobState.Succeeded ? [.. job.Results.Select(r => new JobResultResponse(r.Name, r.Sha256, r.Bytes))] : [],
        job.Output is null ? null : System.Text.Json.JsonDocument.Parse(job.Output).RootElement.Clone(),
        job.CreatedAt,
        job.StartedAt,
        job.FinishedAt,
        job.ExpiresAt);
}
