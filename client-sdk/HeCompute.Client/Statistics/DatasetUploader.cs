using HeCompute.Client.Http;
using HeCompute.Client.Keys;
using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Statistics;

/// <summary>
/// Encrypts a dataset's rows ciphertext by ciphertext and appends them as batches: as the owner with its unlocked key
/// set, or as a contributor under the owner's public key (<see cref="OpenContributorEncryptorAsync"/>).
/// </summary>
public static class DatasetUploader
{
    /// <summary>
    /// Fetches the dataset's public key (<c>GET /v1/datasets/{id}/public-key</c>) and loads it for the dataset's plan,
    /// so a contributor tenant encrypts records only the owner can decrypt, holding no key of its own.
    /// </summary>
    /// <param name="client">The contributor's client.</param>
    /// <param name="dataset">The dataset (as the contributor reads it).</param>
    /// <param name="expectedSha256">The owner's public key fingerprint to pin (hex), or null to trust the server.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="PlanMismatchException">The key is not one for the plan, or not the pinned one.</exception>
    public static async Task<PublicKeyEncryptor> OpenContributorEncryptorAsync(
        HeComputeClient client, DatasetResponse dataset, string? expectedSha256 = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(dataset);
        var publicKey = await client.GetDatasetPublicKeyAsync(dataset.Id, cancellationToken).ConfigureAwait(false);
        return await Task.Run(() => PublicKeyEncryptor.Create(dataset.Plan, publicKey, expectedSha256), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Packs <paramref name="rows"/> (values of <see cref="DatasetRecordPacker.InputColumns"/>) into as few ciphertexts
    /// as the plan allows, encrypts each with <paramref name="keys"/> (the owner's <see cref="ClientKeySet"/> or a
    /// contributor's <see cref="PublicKeyEncryptor"/>) and appends it; reports batches done.
    /// </summary>
    /// <exception cref="PlanMismatchException">The keys are for another plan than the dataset's.</exception>
    public static async Task<IReadOnlyList<DatasetBatchResponse>> UploadAsync(
        HeComputeClient client,
        DatasetResponse dataset,
        ISlotEncryptor keys,
        IReadOnlyList<IReadOnlyList<double>> rows,
        IProgress<(int Completed, int Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(rows);
        if (!string.Equals(keys.Plan.Parameters.ParmsId, dataset.Plan.Parameters.ParmsId, StringComparison.OrdinalIgnoreCase))
        {
            throw new PlanMismatchException($"The {keys.Description} has parms_id {keys.Plan.Parameters.ParmsId}; dataset {dataset.Id} plans {dataset.Plan.Parameters.ParmsId}.");
        }

        var packer = new DatasetRecordPacker(dataset);
        var per = packer.RecordsPerCiphertext;
        var total = (rows.Count + per - 1) / per;

        // Pack every batch before sending any, so a bad row fails the upload before the server has seen part of it.
        var batches = new List<(byte[] Ciphertext, int Records)>(total);
        for (var b = 0; b < total; b++)
        {
            var count = Math.Min(per, rows.Count - (b * per));
            var chunk = new IReadOnlyList<double>[count];
            for (var i = 0; i < count; i++)
            {
                chunk[i] = rows[(b * per) + i];
            }

            batches.Add((keys.Encrypt(packer.Pack(chunk)), count));
        }

        var responses = new List<DatasetBatchResponse>(total);
        for (var b = 0; b < total; b++)
        {
            progress?.Report((b, total));
            using var body = new MemoryStream(batches[b].Ciphertext, writable: false);
            responses.Add(await client.AppendDatasetBatchAsync(dataset.Id, batches[b].Records, body, cancellationToken).ConfigureAwait(false));
        }

        progress?.Report((total, total));
        return responses;
    }
}
