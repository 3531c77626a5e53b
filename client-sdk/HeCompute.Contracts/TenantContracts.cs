namespace HeCompute.Contracts;

/// <summary>Body of <c>POST /v1/admin/tenants</c>.</summary>
/// <param name="Name">Display name (1–200 characters).</param>
public sealed record CreateTenantRequest(string Name);

/// <summary>A tenant.</summary>
public sealed record TenantResponse(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>Counts of what an erasure removed.</summary>
public sealed record TenantErasureResponse(string TenantId, int KeySets, int Jobs, int BlobsDeleted);
