using System.Globalization;
using System.Text.Json;
using HeCompute.Client.Keys;
using HeCompute.Client.Prediction;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;

namespace HeCompute.EndToEnd.Tests;

/// <summary>
/// <c>predict --batch</c> (one predict-batch job, followed, downloaded and decrypted) against the plaintext model, the
/// prediction JSON the notebooks read, and <c>jobs show|cancel</c> on live jobs.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BatchPredictionTests(ServerFixture server) : IDisposable
{
    private readonly TempDirectory _work = new();

    [Fact]
    public async Task BatchPredictionsMatchThePlainModelAndJobsCanBeShownAndCancelled()
    {
        var (_, keys) = await server.NewTenantAsync("batch hospital", [Roles.ModelAdmin, Roles.Hospital]);
        var hospital = keys[0];
        var cli = new CliProcess(server.BaseAddress, Path.Combine(_work.Path, "keys"));

        // A plain logistic model on three synthetic features: positives have larger values.
        string[] names = ["first_order.maximum", "first_order.p90", "first_order.variance"];
        var random = new Random(17);
        var x = new List<double[]>();
        var y = new List<bool>();
        for (var i = 0; i < 60; i++)
        {
            var positive = i % 2 == 0;
            var shift = positive ? 40 : 0;
            x.Add([100 + shift + (30 * random.NextDouble()), 80 + shift + (30 * random.NextDouble()), 200 + (10 * shift) + (100 * random.NextDouble())]);
            y.Add(positive);
        }

        var model = LogisticRegression.Fit(names, x, y);
        Directory.CreateDirectory(_work.Path);
        var documentPath = Path.Combine(_work.Path, "model.json");
        await File.WriteAllTextAsync(documentPath, model.ToDocument("lesion").ToJson());
        var modelId = (await cli.JsonAsync(hospital, "models", "register", documentPath, "--name", "batch model")).GetProperty("id").GetString()!;
        await cli.JsonAsync(hospital, "keys", "init", "--model", modelId);

        var csv = Path.Combine(_work.Path, "records.csv");
        await File.WriteAllLinesAsync(csv, [string.Join(',', names), .. x.Take(12).Select(r => string.Join(',', r.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))]);
        var predicted = await cli.JsonAsync(hospital, "predict", "--batch", "--model", modelId, csv);

        var jobId = Assert.Single(predicted.GetProperty("job_ids").EnumerateArray()).GetString()!;
        var predictions = predicted.GetProperty("predictions");
        Assert.Equal(12, predictions.GetArrayLength());
        var bound = predicted.GetProperty("expected_max_abs_error").GetDouble();
        for (var i = 0; i < 12; i++)
        {
            var result = predictions[i].GetProperty("result");
            var logit = model.Logit(x[i]);
            Assert.True(Math.Abs(result.GetProperty("logits")[0].GetDouble() - logit) <= bound, $"record {i}: {result.GetProperty("logits")[0]} vs {logit}");
            Assert.Equal(logit >= 0 ? 1 : 0, result.GetProperty("class_index").GetInt32());
            Assert.Equal(LogisticRegression.Sigmoid(logit) >= 0.5 ? LogisticRegression.Sigmoid(logit) : 1 - LogisticRegression.Sigmoid(logit), result.GetProperty("probability").GetDouble(), 3);
        }

        // What the notebooks read per run: bytes both ways and every timing, the server's included.
        var transfer = predicted.GetProperty("transfer");
        Assert.True(transfer.GetProperty("bytes_sent").GetInt64() > 0 && transfer.GetProperty("bytes_received").GetInt64() > 0);
        var timings = predicted.GetProperty("timings_ms");
        foreach (var name in new[] { "encrypt", "round_trip", "server_compute", "decrypt" })
        {
            Assert.True(timings.GetProperty(name).GetDouble() >= 0, name);
        }

        var shown = await cli.JsonAsync(hospital, "jobs", "show", jobId);
        Assert.Equal(("predict-batch", "succeeded"), (shown.GetProperty("kind").GetString(), shown.GetProperty("state").GetString()));
        Assert.Equal(PredictProtocol.OutputName(0), Assert.Single(shown.GetProperty("results").EnumerateArray()).GetProperty("name").GetString());

        // Jobs run one at a time: a long job keeps the worker busy, so the next one is still queued when the CLI cancels it.
        var sdk = server.Client(hospital);
        var store = new KeyStore(Path.Combine(_work.Path, "keys"));
        using var unlocked = await store.UnlockAsync((await store.ListAsync()).Single(), CliProcess.Passphrase);
        var predictor = new EncryptedPredictor(sdk, await sdk.GetModelAsync(modelId), unlocked, unlocked.Stored.ServerKeySetId!);
        var ciphertext = unlocked.Encrypt(new double[unlocked.SlotCount]);
        var busy = await sdk.SubmitPredictJobAsync(modelId, unlocked.Stored.ServerKeySetId!, [.. Enumerable.Range(0, 200).Select(_ => ((Stream)new MemoryStream(ciphertext), 1))]);
        var queued = await predictor.SubmitBatchAsync([.. x.Take(3)]);

        var cancelled = await cli.JsonAsync(hospital, "jobs", "cancel", queued.Id);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        Assert.Equal("cancelled", (await cli.JsonAsync(hospital, "jobs", "show", queued.Id)).GetProperty("state").GetString());
        var (code, stdout, _) = await cli.RunAsync(hospital, "jobs", "cancel", queued.Id, "--json");
        Assert.Equal(2, code);
        Assert.Equal(409, JsonDocument.Parse(stdout).RootElement.GetProperty("status").GetInt32());

        // Frees the worker for the other tests (whether or not the long job has finished by now).
        await cli.RunAsync(hospital, "jobs", "cancel", busy.Id);
    }

    public void Dispose() => _work.Dispose();
}
