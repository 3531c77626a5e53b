namespace HeCompute.Server.Storage;

/// <summary>Datasets, their contributors and their appended batches.</summary>
public interface IDatasetStore
{
    /// <summary>Adds a dataset (no batches, no key set).</summary>
    Task CreateAsync(DatasetRecord dataset, CancellationToken cancellationToken);

    /// <summary>The dataset and how the tenant may use it, or null if it neither owns it nor contributes to it.</summary>
    Task<(DatasetRecord Dataset, DatasetAccess Access)?> GetAccessibleAsync(string tenantId, string datasetId, CancellationToken cancellationToken);

    /// <summary>The datasets the tenant owns or contributes to, newest first.</summary>
    Task<IReadOnlyList<(DatasetRecord Dataset, DatasetAccess Access)>> ListAccessibleAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Binds the owner's key set; false if the tenant owns no dataset with this id.</summary>
    Task<bool> BindKeySetAsync(string tenantId, string datasetId, string keySetId, CancellationToken cancellationToken);

    /// <summary>Lets another tenant append (idempotent); false if the tenant owns no dataset with this id.</summary>
    Task<bool> AddContributorAsync(string tenantId, string datasetId, string contributorTenantId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a batch and references its blob (already committed), unless the dataset is gone or the records would
    /// exceed <paramref name="maxRecords"/>; checked and inserted in one transaction.
    /// </summary>
    Task<AppendOutcome> AppendBatchAsync(DatasetBatchRecord batch, int maxRecords, CancellationToken cancellationToken);

    /// <summary>The dataset's batches in the order they were appended.</summary>
    Task<IReadOnlyList<DatasetBatchRecord>> ListBatchesAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Deletes the tenant's own dataset with its batches and contributors; returns the released blob hashes, or null if not found.</summary>
    Task<IReadOnlyList<string>?> DeleteAsync(string tenantId, string datasetId, CancellationToken cancellationToken);
}
