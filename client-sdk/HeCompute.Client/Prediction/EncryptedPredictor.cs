using System.Diagnostics;
using HeCompute.Client.Http;
using HeCompute.Client.Keys;
using HeCompute.Client.Packing;
using HeCompute.Contracts;

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

    private static IReadOnlyList<IReadOnlyList<double>> Slice(IReadOnlyList<IReadOnlyList<double>> records, int start, int count)
    {
        var slice = new IReadOnlyList<double>[count];
        for (var i = 0; i < count; i++)
        {
            slice[i] = records[start + i];
        }

        return slice;
    }
}
