using System.Globalization;
using HeCompute.Analytics.Statistics;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Server.Jobs;

namespace HeCompute.Server.Datasets;

/// <summary>
/// A statistics job's checkpoint: how many of its batches (and records) are in the partial aggregate, and the
/// aggregate's ciphertexts as blobs (<c>sums</c>, <c>products-k</c> and, for a dataset with categories,
/// <c>group-squares-i</c>). A resumed run loads it and continues with the next batch, so a restart costs at most the
/// batches since the last checkpoint.
/// </summary>
public static class StatisticsCheckpoint
{
    private const string SumsBlob = "sums";

    /// <summary>Saves the aggregate (and group sums of squares, when the dataset has categories) of the first <paramref name="batches"/> batches.</summary>
    public static async Task SaveAsync(
        JobContext context, EncryptedAggregate aggregate, GroupAggregate? groups, int batches, long records, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(aggregate);
        var streams = new Dictionary<string, Stream>(StringComparer.Ordinal) { [SumsBlob] = Serialize(aggregate.Sums) };
        for (var k = 0; k < aggregate.Products.Count; k++)
        {
            streams[ProductsBlob(k)] = Serialize(aggregate.Products[k]);
        }

        if (groups is not null)
        {
            for (var i = 0; i < groups.Squares.Count; i++)
            {
                streams[GroupSquaresBlob(i)] = Serialize(groups.Squares[i]);
            }
        }

        try
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{batches}:{records}");
            await context.SaveCheckpointAsync(text, streams, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var stream in streams.Values)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The saved progress, aggregate and group sums of squares (null when <paramref name="indicators"/> is empty), or
    /// null when the job has no checkpoint (a first run).
    /// </summary>
    /// <exception cref="JobFailedException">The checkpoint is unreadable or does not fit the dataset's parameters.</exception>
    public static async Task<(int Batches, long Records, EncryptedAggregate Aggregate, GroupAggregate? Groups)?> LoadAsync(
        JobContext context, Parameters sealContext, CohortLayout layout, int features, IReadOnlyList<int> indicators, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(indicators);
        if (context.Checkpoint is not { } text)
        {
            return null;
        }

        var parts = text.Split(':');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var batches)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var records))
        {
            throw new JobFailedException($"The job's checkpoint '{text}' is not one of a statistics job; it cannot be resumed.");
        }

        var sums = await LoadCiphertextAsync(context, sealContext, SumsBlob, maxBytes, cancellationToken).ConfigureAwait(false);
        var products = new Ciphertext[layout.Columns];
        for (var k = 0; k < products.Length; k++)
        {
            products[k] = await LoadCiphertextAsync(context, sealContext, ProductsBlob(k), maxBytes, cancellationToken).ConfigureAwait(false);
        }

        GroupAggregate? groups = null;
        if (indicators.Count > 0)
        {
            var squares = new Ciphertext[indicators.Count];
            for (var i = 0; i < squares.Length; i++)
            {
                squares[i] = await LoadCiphertextAsync(context, sealContext, GroupSquaresBlob(i), maxBytes, cancellationToken).ConfigureAwait(false);
            }

            groups = GroupAggregate.FromParts(layout, features, indicators, squares);
        }

        return (batches, records, EncryptedAggregate.FromParts(layout, sums, products), groups);
    }

    private static string ProductsBlob(int k) => string.Create(CultureInfo.InvariantCulture, $"products-{k}");

    private static string GroupSquaresBlob(int i) => string.Create(CultureInfo.InvariantCulture, $"group-squares-{i}");

    private static MemoryStream Serialize(Ciphertext ciphertext)
    {
        var stream = new MemoryStream();
        // Ciphertexts are incompressible noise to a general-purpose compressor: store them as they are.
        ciphertext.Save(stream, CompressionMode.None);
        stream.Position = 0;
        return stream;
    }

    private static async Task<Ciphertext> LoadCiphertextAsync(JobContext context, Parameters sealContext, string name, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var stream = await context.OpenCheckpointBlobAsync(name, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        buffer.Position = 0;
        var ciphertext = new Ciphertext();
        try
        {
            ciphertext.Load(sealContext, buffer, maxBytes);
            return ciphertext;
        }
        catch (SealException ex)
        {
            ciphertext.Dispose();
            throw new JobFailedException($"The checkpoint's '{name}' does not load against the dataset's parameters: {ex.Message}", ex);
        }
    }
}
