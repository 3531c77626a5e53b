namespace HeCompute.Contracts;

/// <summary>Body of <c>POST /v1/admin/tenants</c>.</summary>
/// <param name="Name">Display name (1–200 characters).</param>
public sealed record CreateTenantRequest(string Name);

/// <summary>A tenant.</summary>
public sealed record TenantResponse(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>Counts of what an erasure removed.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="KeySets">Key sets deleted.</param>
/// <param name="Jobs">Jobs deleted (with their results).</param>
/// <param name="BlobsDeleted">Stored objects no longer referenced by anything, deleted.</param>
/// <param name="Models">Models the tenant registered, deleted.</param>
/// <param name="Datasets">Datasets the tenant owned, deleted.</param>
/// <param name="Batches">Record batches deleted: every batch of its datasets and every batch it contributed elsewhere.</param>
public sealed record TenantErasureResponse(string TenantId, int KeySets, int Jobs, int BlobsDeleted, int Models = 0, int Datasets = 0, int Batches = 0);
