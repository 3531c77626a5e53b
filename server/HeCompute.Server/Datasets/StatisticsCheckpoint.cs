using System.Globalization;
using HeCompute.Analytics.Statistics;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Server.Compute;
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
    /// null when the job has no checkpoint (a first run). The ciphertexts are deserialized on <paramref name="compute"/>.
    /// </summary>
    /// <exception cref="JobFailedException">The checkpoint is unreadable or does not fit the dataset's parameters.</exception>
    public static async Task<(int Batches, long Records, EncryptedAggregate Aggregate, GroupAggregate? Groups)?> LoadAsync(
        JobContext context, IComputeScheduler compute, Parameters sealContext, CohortLayout layout, int features, IReadOnlyList<int> indicators, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(compute);
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

        // The blobs are read here (I/O); deserializing and validating them is CPU work, so it runs on the compute scheduler.
        var names = new List<string>(1 + layout.Columns + indicators.Count) { SumsBlob };
        for (var k = 0; k < layout.Columns; k++)
        {
            names.Add(ProductsBlob(k));
        }

        for (var i = 0; i < indicators.Count; i++)
        {
            names.Add(GroupSquaresBlob(i));
        }

        var blobs = new List<byte[]>(names.Count);
        foreach (var name in names)
        {
            blobs.Add(await ReadBlobAsync(context, name, cancellationToken).ConfigureAwait(false));
        }

        var loaded = await compute.RunAsync(new ComputeRequest("checkpoint-load"), ct => LoadCiphertexts(sealContext, names, blobs, maxBytes, ct), cancellationToken)
            .ConfigureAwait(false);
        var products = loaded[1..(1 + layout.Columns)];
        var groups = indicators.Count > 0 ? GroupAggregate.FromParts(layout, features, indicators, loaded[(1 + layout.Columns)..]) : null;
        return (batches, records, EncryptedAggregate.FromParts(layout, loaded[0], products), groups);
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

    private static async Task<byte[]> ReadBlobAsync(JobContext context, string name, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var stream = await context.OpenCheckpointBlobAsync(name, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        return buffer.ToArray();
    }

    /// <summary>Deserializes the checkpoint's ciphertexts in order; on a failure, disposes those already loaded.</summary>
    private static Ciphertext[] LoadCiphertexts(Parameters sealContext, List<string> names, List<byte[]> blobs, long maxBytes, CancellationToken cancellationToken)
    {
        var loaded = new Ciphertext[names.Count];
        var count = 0;
        try
        {
            for (; count < loaded.Length; count++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ciphertext = new Ciphertext();
                try
                {
                    using var buffer = new MemoryStream(blobs[count], writable: false);
                    ciphertext.Load(sealContext, buffer, maxBytes);
                }
                catch (SealException ex)
                {
                    ciphertext.Dispose();
                    throw new JobFailedException($"The checkpoint's '{names[count]}' does not load against the dataset's parameters: {ex.Message}", ex);
                }

                loaded[count] = ciphertext;
            }

            return loaded;
        }
        catch
        {
            for (var i = 0; i < count; i++)
            {
                loaded[i].Dispose();
            }

            throw;
        }
    }
}
