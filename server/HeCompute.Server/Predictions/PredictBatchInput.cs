namespace HeCompute.Server.Predictions;

/// <summary>The stored input of a <c>predict-batch</c> job (ids and counts; the ciphertexts are the job's input blobs).</summary>
/// <param name="ModelId">The model.</param>
/// <param name="KeySetId">The tenant's key set.</param>
/// <param name="Records">Records in each input, in order; input i is the job input blob named <see cref="InputName"/>(i).</param>
public sealed record PredictBatchInput(string ModelId, string KeySetId, IReadOnlyList<int> Records)
{
    /// <summary>The job input blob name of input <paramref name="index"/>.</summary>
    public static string InputName(int index) => $"input-{index:D4}";
}
