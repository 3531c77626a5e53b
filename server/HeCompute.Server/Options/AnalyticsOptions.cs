namespace HeCompute.Server.Options;

/// <summary>Models, predictions and datasets.</summary>
public sealed class AnalyticsOptions
{
    /// <summary>
    /// How long a synchronous prediction may compute before it is abandoned with 503 <c>time-budget-exceeded</c>
    /// (larger inputs belong in prediction jobs). Default 30 seconds.
    /// </summary>
    public TimeSpan PredictTimeBudget { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Compiled models kept in memory (least recently used evicted first). Default 16.</summary>
    public int CompiledModelCapacity { get; set; } = 16;

    /// <summary>Largest JSON model document or ONNX file accepted. Default 16 MiB.</summary>
    public long MaxModelBytes { get; set; } = 16L << 20;

    /// <summary>Input ciphertexts one prediction job may take. Default 256.</summary>
    public int MaxBatchInputs { get; set; } = 256;

    /// <summary>
    /// A statistics job checkpoints its partial aggregate every this many batches (a restart then loses at most
    /// that many batches' work; each checkpoint writes m + 1 ciphertexts). Default 8.
    /// </summary>
    public int StatisticsCheckpointInterval { get; set; } = 8;
}
