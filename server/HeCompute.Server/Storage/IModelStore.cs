namespace HeCompute.Server.Storage;

/// <summary>Registered models. A model is visible to its owner, and to every tenant when shared.</summary>
public interface IModelStore
{
    /// <summary>Adds a model with its blob references (the blobs must already be committed).</summary>
    Task CreateAsync(ModelRecord model, CancellationToken cancellationToken);

    /// <summary>The model if the tenant owns it or it is shared, else null.</summary>
    Task<ModelRecord?> GetVisibleAsync(string tenantId, string modelId, CancellationToken cancellationToken);

    /// <summary>The models the tenant owns and the shared ones, newest first.</summary>
    Task<IReadOnlyList<ModelRecord>> ListVisibleAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Deletes the tenant's own model; returns the blob hashes it referenced, or null if it owns none with this id.</summary>
    Task<IReadOnlyList<string>?> DeleteAsync(string tenantId, string modelId, CancellationToken cancellationToken);
}
