using System.Diagnostics;
using HeCompute.Client.Http;
using HeCompute.Client.Keys;
using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Prediction;

/// <summary>
/// Encrypted predictions with one model and one unlocked key set: feature records are packed as the model's plan
/// says, encrypted with the secret key, sent, and the results decrypted and interpreted. Only ciphertexts leave
/// the process.
/// </summary>
public sealed class EncryptedPredictor
{
    private readonly HeComputeClient _client;
    private readonly ModelResponse _model;
    private readonly ClientKeySet _keys;
    private readonly string _serverKeySetId;
    private readonly PlanPacker _packer;

    /// <summary>A predictor for <paramref name="model"/> with <paramref name="keys"/>, whose evaluation keys the server holds as <paramref name="serverKeySetId"/>.</summary>
    /// <exception cref="PlanMismatchException">The keys were generated for other parameters than the model's plan.</exception>
    public EncryptedPredictor(HeComputeClient client, ModelResponse model, ClientKeySet keys, string serverKeySetId)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentException.ThrowIfNullOrWhiteSpace(serverKeySetId);
        if (!string.Equals(keys.Plan.Parameters.ParmsId, model.Plan.Parameters.ParmsId, StringComparison.OrdinalIgnoreCase))
        {
            throw new PlanMismatchException($"Key set {keys.Stored.Id} has parms_id {keys.Plan.Parameters.ParmsId}; model {model.Id} plans {model.Plan.Parameters.ParmsId}. Generate keys for this model.");
        }

        _client = client;
        _model = model;
        _keys = keys;
        _serverKeySetId = serverKeySetId;
        _packer = new PlanPacker(model.Plan);
    }

    /// <summary>The model.</summary>
    public ModelResponse Model => _model;

    /// <summary>The plan's feature names, in the order records must give them.</summary>
    public IReadOnlyList<string> Features => _model.Plan.Input.Features;

    /// <summary>Predicts every record (raw feature values in <see cref="Features"/> order), one request per ciphertext of records.</summary>
    public async Task<PredictionRun> PredictAsync(IReadOnlyList<IReadOnlyList<double>> records, IProgress<PredictionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var perCiphertext = _packer.RecordsPerCiphertext;
        var ciphertexts = (records.Count + perCiphertext - 1) / perCiphertext;
        var results = new List<PredictionResult>(records.Count);
        long sent = 0, received = 0;
        var encrypt = TimeSpan.Zero;
        var roundTrip = TimeSpan.Zero;
        var decrypt = TimeSpan.Zero;
        double? serverMs = null;
        for (var i = 0; i < ciphertexts; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = Slice(records, i * perCiphertext, Math.Min(perCiphertext, records.Count - (i * perCiphertext)));
            var item = $"ciphertext {i + 1}/{ciphertexts}";
            progress?.Report(new PredictionProgress(PredictionStage.Encrypting, i, ciphertexts, item));
            var watch = Stopwatch.StartNew();
            var ciphertext = _keys.Encrypt(_packer.Pack(chunk));
            encrypt += watch.Elapsed;
            sent += ciphertext.Length;

            progress?.Report(new PredictionProgress(PredictionStage.Computing, i, ciphertexts, item));
            watch.Restart();
            PredictResponse response;
            using (var body = new MemoryStream(ciphertext, writable: false))
            {
                response = await _client.PredictAsync(_model.Id, _serverKeySetId, chunk.Count, body, cancellationToken).ConfigureAwait(false);
            }

            roundTrip += watch.Elapsed;
            received += response.Ciphertext.Length;
            if (response.ComputeMilliseconds is { } ms)
            {
                serverMs = (serverMs ?? 0) + ms;
            }

            progress?.Report(new PredictionProgress(PredictionStage.Decrypting, i, ciphertexts, item));
            watch.Restart();
            var outputs = _packer.Unpack(_keys.Decrypt(response.Ciphertext), chunk.Count);
            foreach (var output in outputs)
            {
                results.Add(PredictionResult.Interpret(_model.Plan.Output, output));
            }

            decrypt += watch.Elapsed;
        }

        progress?.Report(new PredictionProgress(PredictionStage.Done, ciphertexts, ciphertexts));
        return new PredictionRun(results, ciphertexts, sent, received, encrypt, roundTrip, serverMs is { } total ? TimeSpan.FromMilliseconds(total) : null, decrypt);
    }

    /// <summary>
    /// Packs and encrypts every record and queues them as one <c>predict-batch</c> job (one input ciphertext per
    /// ciphertext of records) without waiting; <see cref="PredictBatchAsync"/> also waits and decrypts.
    /// </summary>
    public async Task<JobResponse> SubmitBatchAsync(IReadOnlyList<IReadOnlyList<double>> records, CancellationToken cancellationToken = default)
    {
        var (inputs, _) = EncryptAll(records, null, cancellationToken);
        return await SubmitAsync(inputs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Predicts every record with one <c>predict-batch</c> job: packs and encrypts all ciphertexts, submits them, waits
    /// for the job (its progress reported as <see cref="PredictionStage.Computing"/>), downloads each
    /// <c>output-NNNN</c> and decrypts it. Cancelling the token stops waiting, not the job (cancel it with
    /// <see cref="HeComputeClient.CancelJobAsync"/>).
    /// </summary>
    /// <exception cref="HeComputeApiException">The server refused the job, or it failed or was cancelled.</exception>
    public async Task<PredictionRun> PredictBatchAsync(IReadOnlyList<IReadOnlyList<double>> records, IProgress<PredictionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var (inputs, encrypt) = EncryptAll(records, progress, cancellationToken);
        var total = inputs.Count;
        var watch = Stopwatch.StartNew();
        progress?.Report(new PredictionProgress(PredictionStage.Computing, 0, total, "uploading"));
        var job = await SubmitAsync(inputs, cancellationToken).ConfigureAwait(false);
        var jobProgress = progress is null
            ? null
            : new SynchronousProgress<JobResponse>(j => progress.Report(new PredictionProgress(PredictionStage.Computing, (int)Math.Round(j.Progress * total), total, $"job {j.Id} {j.State}")));
        job = await _client.WaitForJobAsync(job.Id, jobProgress, cancellationToken).ConfigureAwait(false);
        var outputs = new byte[total][];
        long received = 0;
        for (var i = 0; i < total; i++)
        {
            outputs[i] = await _client.DownloadJobResultAsync(job, PredictProtocol.OutputName(i), cancellationToken).ConfigureAwait(false);
            received += outputs[i].Length;
        }

        var roundTrip = watch.Elapsed;
        watch.Restart();
        var results = new List<PredictionResult>(records.Count);
        for (var i = 0; i < total; i++)
        {
            progress?.Report(new PredictionProgress(PredictionStage.Decrypting, i, total, PredictProtocol.OutputName(i)));
            foreach (var output in _packer.Unpack(_keys.Decrypt(outputs[i]), inputs[i].Records))
            {
                results.Add(PredictionResult.Interpret(_model.Plan.Output, output));
            }
        }

        var decrypt = watch.Elapsed;
        progress?.Report(new PredictionProgress(PredictionStage.Done, total, total));
        var sent = inputs.Sum(i => (long)i.Ciphertext.Length);
        TimeSpan? server = job is { StartedAt: { } started, FinishedAt: { } finished } ? finished - started : null;
        return new PredictionRun(results, total, sent, received, encrypt, roundTrip, server, decrypt, job.Id);
    }

    private (List<(byte[] Ciphertext, int Records)> Inputs, TimeSpan Encrypt) EncryptAll(
        IReadOnlyList<IReadOnlyList<double>> records, IProgress<PredictionProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one record.", nameof(records));
        }

        var perCiphertext = _packer.RecordsPerCiphertext;
        var total = (records.Count + perCiphertext - 1) / perCiphertext;
        var inputs = new List<(byte[] Ciphertext, int Records)>(total);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new PredictionProgress(PredictionStage.Encrypting, i, total, $"ciphertext {i + 1}/{total}"));
            var chunk = Slice(records, i * perCiphertext, Math.Min(perCiphertext, records.Count - (i * perCiphertext)));
            inputs.Add((_keys.Encrypt(_packer.Pack(chunk)), chunk.Count));
        }

        return (inputs, watch.Elapsed);
    }

    private async Task<JobResponse> SubmitAsync(List<(byte[] Ciphertext, int Records)> inputs, CancellationToken cancellationToken)
    {
        var streams = inputs.Select(i => ((Stream)new MemoryStream(i.Ciphertext, writable: false), i.Records)).ToList();
        try
        {
            return await _client.SubmitPredictJobAsync(_model.Id, _serverKeySetId, streams, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var (stream, _) in streams)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static IReadOnlyList<IReadOnlyList<double>> Slice(IReadOnlyList<IReadOnlyList<double>> records, int start, int count)
    {
        var slice = new IReadOnlyList<double>[count];
        for (var i = 0; i < count; i++)
        {
            slice[i] = records[start + i];
        }

        return slice;
    }

    /// <summary>Reports on the caller's thread, so job states are forwarded in order while the caller awaits.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
