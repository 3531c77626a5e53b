using System.Diagnostics;

namespace HeCompute.Client.Prediction;

/// <summary>
/// Predict straight from DICOM files: read → de-identify → features → check them against the model's plan →
/// pack → encrypt → predict → decrypt → a typed result per file.
/// </summary>
public sealed class DicomPredictionPipeline
{
    private readonly DicomFeatureReader _reader;
    private readonly EncryptedPredictor _predictor;
    private readonly int[] _selection;

    /// <summary>A pipeline from <paramref name="reader"/>'s features to <paramref name="predictor"/>'s model.</summary>
    /// <exception cref="HeCompute.Features.FeatureSchemaMismatchException">The model expects features the reader does not produce.</exception>
    public DicomPredictionPipeline(DicomFeatureReader reader, EncryptedPredictor predictor)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(predictor);
        _reader = reader;
        _predictor = predictor;
        var input = predictor.Model.Plan.Input;
        _selection = reader.SelectFeatures(input.Features, input.SchemaFingerprint);
    }

    /// <summary>
    /// Runs the pipeline on <paramref name="paths"/>: synchronous predictions, or one <c>predict-batch</c> job when
    /// <paramref name="asBatchJob"/> (<see cref="EncryptedPredictor.PredictBatchAsync"/>).
    /// </summary>
    public async Task<DicomPredictionRun> RunAsync(
        IReadOnlyList<string> paths, IProgress<PredictionProgress>? progress = null, CancellationToken cancellationToken = default, bool asBatchJob = false)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var watch = Stopwatch.StartNew();
        var records = await _reader.ReadRecordsAsync(paths, _selection, progress, cancellationToken).ConfigureAwait(false);
        var featureTime = watch.Elapsed;
        var run = asBatchJob
            ? await _predictor.PredictBatchAsync(records, progress, cancellationToken).ConfigureAwait(false)
            : await _predictor.PredictAsync(records, progress, cancellationToken).ConfigureAwait(false);
        var predictions = new DicomPrediction[paths.Count];
        for (var i = 0; i < predictions.Length; i++)
        {
            predictions[i] = new DicomPrediction(paths[i], records[i], run.Results[i]);
        }

        return new DicomPredictionRun(predictions, run, featureTime);
    }
}
