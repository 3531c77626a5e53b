using System.Globalization;
using HeCompute.Contracts;
using HeCompute.Server.Compute;
using HeCompute.Server.Errors;
using HeCompute.Server.Jobs;
using HeCompute.Server.Storage;
using HeCompute.Server.Telemetry;

namespace HeCompute.Server.Predictions;

/// <summary>
/// Batch predictions: evaluates each input ciphertext in order and stores its result as <c>output-NNNN</c>. The
/// checkpoint is the number of inputs done, so a run resumed after a restart continues with the next input (results
/// already stored stay as they are).
/// </summary>
public sealed class PredictBatchJobHandler(IMetadataStore metadata, PredictionService predictor, IComputeScheduler compute, HeComputeMetrics metrics) : IJobHandler
{
    /// <inheritdoc/>
    public static string Kind => PredictProtocol.BatchJobKind;

    /// <inheritdoc/>
    public static bool Resumable => true;

    /// <inheritdoc/>
    public async Task<JobOutput> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.ReadInput<PredictBatchInput>();
        var model = await metadata.Models.GetVisibleAsync(context.TenantId, input.ModelId, cancellationToken).ConfigureAwait(false)
            ?? throw new JobFailedException($"Model {input.ModelId} no longer exists or is no longer shared.");
        PredictionSession session;
        try
        {
            session = await predictor.OpenAsync(context.TenantId, model, input.KeySetId, newComputation: false, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException ex)
        {
            throw new JobFailedException($"Key set {input.KeySetId} no longer exists.", ex);
        }

        var start = context.Checkpoint is { } checkpoint ? int.Parse(checkpoint, CultureInfo.InvariantCulture) : 0;
        for (var i = start; i < input.Records.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[] bytes;
            var stream = await context.OpenInputAsync(PredictBatchInput.InputName(i), cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            using (var buffer = new MemoryStream())
            {
                await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                bytes = buffer.ToArray();
            }

            var what = $"Input {i}";
            var records = input.Records[i];
            var output = await compute.RunAsync(new ComputeRequest("predict-batch", TenantId: context.TenantId), ct => session.Predict(bytes, records, what, ct), cancellationToken).ConfigureAwait(false);
            metrics.RecordHomomorphicOperations("model-evaluation");
            using (var result = new MemoryStream(output, writable: false))
            {
                await context.AddResultAsync(PredictProtocol.OutputName(i), result, output.Length, cancellationToken).ConfigureAwait(false);
            }

            await context.SaveCheckpointAsync((i + 1).ToString(CultureInfo.InvariantCulture), CancellationToken.None).ConfigureAwait(false);
            await context.ReportProgressAsync((i + 1.0) / input.Records.Count, $"input {i + 1} of {input.Records.Count}", CancellationToken.None)
                .ConfigureAwait(false);
        }

        return JobOutput.None;
    }
}
