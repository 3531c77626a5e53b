using HeCompute.Cli;
using HeCompute.Client.Keys;
using HeCompute.Client.Prediction;
using HeCompute.Client.Statistics;
using HeCompute.Contracts;
using HeCompute.Dicom.Deidentification;
using HeCompute.Features;
using HeCompute.Protocol.Models;

namespace HeCompute.EndToEnd.Tests;

/// <summary>A hospital's whole workflow through the SDK against the real server over HTTP.</summary>
[Collection(ServerCollection.Name)]
public sealed class SdkWorkflowTests(ServerFixture server) : IDisposable
{
    private const string Passphrase = "e2e passphrase, long enough";
    private readonly TempDirectory _work = new();

    [Fact]
    public async Task HospitalPredictsFromDicomAndGetsThePlaintextModelsResult()
    {
        var (_, keys) = await server.NewTenantAsync("sdk hospital", [Roles.ModelAdmin], [Roles.Hospital]);
        var modelAdmin = server.Client(keys[0]);
        var hospital = server.Client(keys[1]);

        // The model-admin fits a plain model on synthetic images' features and registers it.
        var images = SyntheticCtImages.Write(Path.Combine(_work.Path, "images"), 6, seed: 11);
        string[] names = ["first_order.maximum", "first_order.p90", "first_order.variance"];
        var reader = new DicomFeatureReader(new DeidentificationOptions(new byte[32]), new RadiomicsOptions());
        var selection = reader.SelectFeatures(names, null);
        var features = new List<double[]>();
        foreach (var (path, _) in images)
        {
            var vector = (await reader.ReadAsync(path)).Vector;
            features.Add([.. selection.Select(i => vector[i])]);
        }

        var plain = LogisticRegression.Fit(names, features, [.. images.Select(i => i.Lesion)]);
        var model = await modelAdmin.RegisterModelAsync(new RegisterModelRequest("e2e lesion", plain.ToDocument("lesion").ToJsonElement()));

        // The hospital generates exactly the planned keys, keeps the secret key encrypted at rest, uploads the rest.
        var store = new KeyStore(Path.Combine(_work.Path, "keys"));
        using var material = PlanKeyMaterial.Generate((await hospital.GetModelAsync(model.Id)).Plan);
        var stored = await store.SaveAsync(material, "model", model.Id, Passphrase);
        KeySetResponse keySet;
        using (var upload = store.OpenUpload(stored))
        {
            keySet = await hospital.UploadKeySetAsync(upload);
        }

        stored = await store.SetServerKeySetIdAsync(stored, keySet.Id);
        Assert.Equal(model.Plan.Keys.GaloisElements.Order(), keySet.GaloisElements.Order());
        Assert.Equal(model.Plan.Keys.RelinearizationKeys, keySet.HasRelinKeys);

        using var unlocked = await store.UnlockAsync(stored, Passphrase);
        var pipeline = new DicomPredictionPipeline(reader, new EncryptedPredictor(hospital, model, unlocked, keySet.Id));
        var stages = new List<PredictionStage>();
        var run = await pipeline.RunAsync([.. images.Select(i => i.Path)], new SynchronousProgress<PredictionProgress>(p => stages.Add(p.Stage)));

        Assert.Equal(images.Count, run.Predictions.Count);
        Assert.Contains(PredictionStage.Computing, stages);
        Assert.Equal(PredictionStage.Done, stages[^1]);
        Assert.True(run.Run.BytesSent > 0 && run.Run.BytesReceived > 0);
        for (var i = 0; i < images.Count; i++)
        {
            // Oracle: the plaintext model on the same features.
            var expected = plain.Logit(features[i]);

            var result = run.Predictions[i].Result;
            Assert.Equal(features[i], run.Predictions[i].Features);
            Assert.True(Math.Abs(result.Outputs[0] - expected) <= model.Plan.Precision.ExpectedMaxAbsError, $"image {i}: encrypted {result.Outputs[0]}, plain {expected}, bound {model.Plan.Precision.ExpectedMaxAbsError}");
            Assert.Equal(expected >= 0 ? 1 : 0, result.ClassIndex);
            Assert.Equal(images[i].Lesion ? 1 : 0, result.ClassIndex);
        }
    }

    [Fact]
    public async Task HospitalUploadsADatasetAndDecryptsItsStatistics()
    {
        var (_, keys) = await server.NewTenantAsync("sdk statistics", [Roles.Hospital]);
        var hospital = server.Client(keys[0]);
        var dataset = await hospital.CreateDatasetAsync(new CreateDatasetRequest("cohort", ["age", "size"], [0, 0], [100, 20], ["male", "female"]));

        var store = new KeyStore(Path.Combine(_work.Path, "keys"));
        using var material = PlanKeyMaterial.Generate(dataset.Plan);
        var stored = await store.SaveAsync(material, "dataset", dataset.Id, Passphrase);
        KeySetResponse keySet;
        using (var upload = store.OpenUpload(stored))
        {
            keySet = await hospital.UploadKeySetAsync(upload);
        }

        stored = await store.SetServerKeySetIdAsync(stored, keySet.Id);
        dataset = await hospital.BindDatasetKeySetAsync(dataset.Id, keySet.Id);

        var random = new Random(5);
        var rows = new List<IReadOnlyList<double>>();
        for (var i = 0; i < 50; i++)
        {
            var male = random.Next(2);
            rows.Add([Math.Round(20 + (60 * random.NextDouble()), 1), Math.Round(2 + (10 * random.NextDouble()) + (4 * male), 2), male, 1 - male]);
        }

        using var unlocked = await store.UnlockAsync(stored, Passphrase);
        var appended = (await DatasetUploader.UploadAsync(hospital, dataset, unlocked, rows[..30])).Count;
        appended += (await DatasetUploader.UploadAsync(hospital, dataset, unlocked, rows[30..])).Count;

        var job = await hospital.RequestStatisticsAsync(dataset.Id, new StatisticsRequest());
        job = await hospital.WaitForJobAsync(job.Id);
        var decrypted = await StatisticsResults.DecryptAsync(hospital, job, await hospital.GetDatasetAsync(dataset.Id), unlocked);
        Assert.Equal((50L, appended, 0), (decrypted.Records, decrypted.Batches, decrypted.NoiseFloodingBits));
        Assert.Null(decrypted.EncryptedFinish);
        var result = decrypted.Statistics;

        // Oracle: two-pass double precision on the plaintext rows.
        Assert.Equal(50, result.Count, 3);
        var n = rows.Count;
        for (var a = 0; a < 2; a++)
        {
            var mean = rows.Average(r => r[a]);
            Assert.Equal(mean, result.Means[a], 3);
            var variance = rows.Sum(r => (r[a] - mean) * (r[a] - mean)) / (n - 1);
            Assert.True(Math.Abs(variance - result.Variances[a]) <= 1e-3 * Math.Max(1, variance), $"variance {a}: {result.Variances[a]} vs {variance}");
        }

        var meanAge = rows.Average(r => r[0]);
        var meanSize = rows.Average(r => r[1]);
        var covariance = rows.Sum(r => (r[0] - meanAge) * (r[1] - meanSize)) / (n - 1);
        Assert.True(Math.Abs(covariance - result.Covariance[0][1]) <= 1e-3 * Math.Max(1, Math.Abs(covariance)), $"covariance {result.Covariance[0][1]} vs {covariance}");
        var males = rows.Where(r => r[2] == 1).ToList();
        Assert.Equal(males.Count, result.Groups[0].Count, 3);
        Assert.Equal(males.Average(r => r[1]), result.Groups[0].Means[1], 3);
        var maleSize = males.Average(r => r[1]);
        var maleVariance = males.Sum(r => (r[1] - maleSize) * (r[1] - maleSize)) / (males.Count - 1);
        Assert.True(Math.Abs(maleVariance - result.Groups[0].Variances![1]) <= 1e-3 * Math.Max(1, maleVariance), $"male size variance {result.Groups[0].Variances?[1]} vs {maleVariance}");
    }

    public void Dispose() => _work.Dispose();

    /// <summary>Reports on the caller's thread, so the list is complete when the pipeline returns.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
