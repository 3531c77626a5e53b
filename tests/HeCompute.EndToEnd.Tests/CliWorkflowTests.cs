using System.Text.Json;
using HeCompute.Cli;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;

namespace HeCompute.EndToEnd.Tests;

/// <summary>The <c>hecompute</c> tool run as processes against the real server, every command with --json.</summary>
[Collection(ServerCollection.Name)]
public sealed class CliWorkflowTests(ServerFixture server) : IDisposable
{
    private readonly TempDirectory _work = new();

    private CliProcess Cli => new(server.BaseAddress, Path.Combine(_work.Path, "keys"));

    [Fact]
    public async Task LocalDicomCommandsInspectDeidentifyAndExtract()
    {
        var images = SyntheticCtImages.Write(Path.Combine(_work.Path, "images"), 2, seed: 3);
        var inspect = await Cli.JsonAsync("unused", "dicom", "inspect", images[0].Path);
        Assert.Equal("1.2.840.10008.1.2.1", inspect.GetProperty("transfer_syntax").GetProperty("uid").GetString());
        Assert.Equal(64, inspect.GetProperty("pixels").GetProperty("rows").GetInt32());
        Assert.Contains(inspect.GetProperty("elements").EnumerateArray(), e => e.GetProperty("keyword").GetString() == "PatientName" && e.GetProperty("value").GetString() == "Demo^Patient000");

        var output = Path.Combine(_work.Path, "deid.dcm");
        var deid = await Cli.JsonAsync("unused", "dicom", "deid", images[0].Path, output);
        Assert.True(deid.GetProperty("report").GetProperty("entries").GetArrayLength() > 0);
        var after = await Cli.JsonAsync("unused", "dicom", "inspect", output);
        Assert.DoesNotContain(after.GetProperty("elements").EnumerateArray(), e => e.GetProperty("value").GetString()!.Contains("Demo^Patient", StringComparison.Ordinal));

        var features = await Cli.JsonAsync("unused", "features", images[0].Path, images[1].Path);
        Assert.StartsWith("sha256:", features.GetProperty("fingerprint").GetString(), StringComparison.Ordinal);
        var records = features.GetProperty("records");
        Assert.Equal(2, records.GetArrayLength());

        // The lesion image is brighter: an independent sanity check of the extracted maximum.
        Assert.True(records[0].GetProperty("values").GetProperty("first_order.maximum").GetDouble() > records[1].GetProperty("values").GetProperty("first_order.maximum").GetDouble());

        var (code, stdout, _) = await Cli.RunAsync("unused", "dicom", "inspect", Path.Combine(_work.Path, "missing.dcm"), "--json");
        Assert.NotEqual(0, code);
        Assert.DoesNotContain("Unhandled", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictFromAPacsOverDicomWebEqualsPredictFromTheSameFiles()
    {
        var (_, keys) = await server.NewTenantAsync("cli pacs", [Roles.ModelAdmin, Roles.Hospital], [Roles.Auditor]);
        var hospital = keys[0];
        var images = SyntheticCtImages.Write(Path.Combine(_work.Path, "pacs-images"), 3, seed: 21);
        var documentPath = Path.Combine(_work.Path, "pacs-model.json");
        await File.WriteAllTextAsync(documentPath, (await LogisticRegressionForAsync(images)).ToDocument("lesion").ToJson());
        var modelId = (await Cli.JsonAsync(hospital, "models", "register", documentPath, "--name", "pacs model")).GetProperty("id").GetString()!;
        await Cli.JsonAsync(hospital, "keys", "init", "--model", modelId);
        var fromFiles = (await Cli.JsonAsync(hospital, ["predict", "--model", modelId, .. images.Select(i => i.Path)])).GetProperty("predictions");

        // A real PACS (Orthanc + DICOMweb) holding the same files; the CLI reads the study from it.
        using var pacs = new HeCompute.Dicom.Tests.Web.OrthancServer();
        var sops = new List<string>();
        foreach (var (path, _) in images)
        {
            pacs.Store(path);
            sops.Add(Dicom.DicomFile.Open(path).Dataset.GetString(Dicom.DicomTag.SOPInstanceUID));
        }

        string study = Dicom.DicomFile.Open(images[0].Path).Dataset.GetString(Dicom.DicomTag.StudyInstanceUID);
        var fromPacs = await Cli.JsonAsync(hospital, "predict", "--model", modelId, "--dicomweb", pacs.DicomWebRoot.ToString(), "--study", study);
        var predictions = fromPacs.GetProperty("predictions");
        Assert.Equal(images.Count, predictions.GetArrayLength());
        double bound = fromPacs.GetProperty("expected_max_abs_error").GetDouble();
        foreach (var p in predictions.EnumerateArray())
        {
            string input = p.GetProperty("input").GetString()!;
            Assert.StartsWith(pacs.DicomWebRoot + "studies/" + study + "/series/", input, StringComparison.Ordinal);
            int index = sops.FindIndex(sop => input.EndsWith("/instances/" + sop, StringComparison.Ordinal));
            Assert.True(index >= 0, input);
            var local = fromFiles[index];
            Assert.Equal(
                local.GetProperty("features").EnumerateArray().Select(f => f.GetDouble()),
                p.GetProperty("features").EnumerateArray().Select(f => f.GetDouble()));
            Assert.Equal(local.GetProperty("result").GetProperty("class_index").GetInt32(), p.GetProperty("result").GetProperty("class_index").GetInt32());
            Assert.True(Math.Abs(local.GetProperty("result").GetProperty("outputs")[0].GetDouble() - p.GetProperty("result").GetProperty("outputs")[0].GetDouble()) <= 2 * bound);
        }

        var (code, stdout, _) = await Cli.RunAsync(hospital, "predict", "--model", modelId, "--study", study, "--json");
        Assert.NotEqual(0, code);
        Assert.Contains("--dicomweb", stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), "hecompute-dicomweb-*"));
    }

    [Fact]
    public async Task DemoRunsTheWholeFlowAndMatchesThePlaintextModel()
    {
        var demo = await Cli.JsonAsync(ServerFixture.AdminKey, "demo", "--images", "6", "--out", Path.Combine(_work.Path, "demo"));
        var rows = demo.GetProperty("rows");
        Assert.Equal(6, rows.GetArrayLength());
        var bound = demo.GetProperty("expected_max_abs_error").GetDouble();
        foreach (var row in rows.EnumerateArray())
        {
            Assert.True(row.GetProperty("absolute_error").GetDouble() <= bound, row.ToString());
            Assert.Equal(row.GetProperty("plain_positive").GetBoolean(), row.GetProperty("encrypted_positive").GetBoolean());
            Assert.Equal(row.GetProperty("lesion").GetBoolean(), row.GetProperty("encrypted_positive").GetBoolean());
        }

        Assert.True(demo.GetProperty("sizes").GetProperty("ciphertext_bytes_sent").GetInt64() > 0);
    }

    [Fact]
    public async Task HospitalCommandsKeysModelsPredictJobsAndAudit()
    {
        var (tenantId, keys) = await server.NewTenantAsync("cli hospital", [Roles.ModelAdmin, Roles.Hospital], [Roles.Auditor]);
        var hospital = keys[0];
        var images = SyntheticCtImages.Write(Path.Combine(_work.Path, "images"), 4, seed: 9);
        var documentPath = Path.Combine(_work.Path, "model.json");
        var model = await LogisticRegressionForAsync(images);
        await File.WriteAllTextAsync(documentPath, model.ToDocument("lesion").ToJson());

        var registered = await Cli.JsonAsync(hospital, "models", "register", documentPath, "--name", "cli model");
        var modelId = registered.GetProperty("id").GetString()!;
        var list = await Cli.JsonAsync(hospital, "models", "list");
        Assert.Contains(list.GetProperty("items").EnumerateArray(), m => m.GetProperty("id").GetString() == modelId);
        var shown = await Cli.JsonAsync(hospital, "models", "show", modelId);
        Assert.Equal("logistic-regression", shown.GetProperty("kind").GetString());

        var init = await Cli.JsonAsync(hospital, "keys", "init", "--model", modelId);
        var serverKeySet = init.GetProperty("uploaded").GetProperty("id").GetString();
        var localKeys = await Cli.JsonAsync(hospital, "keys", "list");
        Assert.Equal(serverKeySet, Assert.Single(localKeys.GetProperty("items").EnumerateArray()).GetProperty("server_key_set_id").GetString());
        var remoteKeys = await Cli.JsonAsync(hospital, "keys", "list", "--remote");
        Assert.Contains(remoteKeys.GetProperty("items").EnumerateArray(), k => k.GetProperty("id").GetString() == serverKeySet);

        var predict = await Cli.JsonAsync(hospital, ["predict", "--model", modelId, .. images.Select(i => i.Path)]);
        var predictions = predict.GetProperty("predictions");
        Assert.Equal(4, predictions.GetArrayLength());
        var bound = predict.GetProperty("expected_max_abs_error").GetDouble();
        for (var i = 0; i < images.Count; i++)
        {
            var p = predictions[i];
            var features = p.GetProperty("features").EnumerateArray().Select(f => f.GetDouble()).ToArray();
            var plainLogit = model.Logit(features);
            Assert.True(Math.Abs(p.GetProperty("result").GetProperty("outputs")[0].GetDouble() - plainLogit) <= bound);
            Assert.Equal(images[i].Lesion ? 1 : 0, p.GetProperty("result").GetProperty("class_index").GetInt32());
        }

        // The same records as a CSV of features give the same results.
        var csv = Path.Combine(_work.Path, "features.csv");
        await File.WriteAllLinesAsync(csv, [string.Join(',', model.Features), .. Enumerable.Range(0, images.Count).Select(i =>
            string.Join(',', predictions[i].GetProperty("features").EnumerateArray().Select(f => f.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture))))]);
        var fromCsv = await Cli.JsonAsync(hospital, "predict", "--model", modelId, csv);
        Assert.Equal(predictions[0].GetProperty("result").GetProperty("class_index").GetInt32(), fromCsv.GetProperty("predictions")[0].GetProperty("result").GetProperty("class_index").GetInt32());

        // Regular key rotation: fresh keys for the model, the old key set deleted here and on the server, and predict
        // (which takes the newest) works with the new ones.
        var expiresAt = DateTimeOffset.UtcNow.AddDays(30);
        var rotated = await Cli.JsonAsync(
            hospital, "keys", "rotate", "--model", modelId, "--delete-old", "--expires-at", expiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var newKeySet = rotated.GetProperty("key_set_id").GetString()!;
        Assert.NotEqual(serverKeySet, newKeySet);
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), rotated.GetProperty("expires_at").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal(serverKeySet, Assert.Single(rotated.GetProperty("deleted").EnumerateArray()).GetString());
        var remoteAfter = (await Cli.JsonAsync(hospital, "keys", "list", "--remote")).GetProperty("items").EnumerateArray().Select(k => k.GetProperty("id").GetString()).ToList();
        Assert.Contains(newKeySet, remoteAfter);
        Assert.DoesNotContain(serverKeySet, remoteAfter);
        Assert.Equal(newKeySet, Assert.Single((await Cli.JsonAsync(hospital, "keys", "list")).GetProperty("items").EnumerateArray()).GetProperty("server_key_set_id").GetString());
        var afterRotation = await Cli.JsonAsync(hospital, "predict", "--model", modelId, csv);
        Assert.Equal(predictions[0].GetProperty("result").GetProperty("class_index").GetInt32(), afterRotation.GetProperty("predictions")[0].GetProperty("result").GetProperty("class_index").GetInt32());
        serverKeySet = newKeySet;

        var jobs = await Cli.JsonAsync(hospital, "jobs", "list");
        Assert.Equal(JsonValueKind.Array, jobs.GetProperty("items").ValueKind);

        var exportPath = Path.Combine(_work.Path, "audit.jsonl");
        var audit = await Cli.JsonAsync(keys[1], "audit", "export", "--verify", "--out", exportPath);
        Assert.True(audit.GetProperty("verification").GetProperty("valid").GetBoolean());
        Assert.True(audit.GetProperty("entries").GetInt32() >= 5);
        var lines = await File.ReadAllLinesAsync(exportPath);
        Assert.All(lines.Where(l => l.Length > 0), l => Assert.Equal(tenantId, JsonDocument.Parse(l).RootElement.GetProperty("tenant_id").GetString()));

        // A server error comes back as problem details with a non-zero exit code.
        var (code, stdout, _) = await Cli.RunAsync(hospital, "models", "show", "no-such-model", "--json");
        Assert.Equal(2, code);
        var problem = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(ProblemTypes.NotFound, problem.GetProperty("type").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());

        var deleted = await Cli.JsonAsync(hospital, "keys", "delete", serverKeySet!);
        Assert.Equal(serverKeySet, deleted.GetProperty("server_key_set_id").GetString());
        Assert.Empty((await Cli.JsonAsync(hospital, "keys", "list")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task RotateApiKeyPrintsANewSecretForTheSameKeyAndTheOldOneStopsWithoutOverlap()
    {
        var (_, keys) = await server.NewTenantAsync("cli rotation", [Roles.TenantAdmin], [Roles.Hospital]);
        var (owner, hospital) = (keys[0], keys[1]);
        var keyId = hospital[4..20];
        var rotated = await Cli.JsonAsync(owner, "keys", "rotate-api-key", keyId, "--overlap-seconds", "0");
        Assert.Equal(keyId, rotated.GetProperty("key").GetProperty("id").GetString());
        var secret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(hospital, secret);

        Assert.Equal(JsonValueKind.Array, (await Cli.JsonAsync(secret, "keys", "list", "--remote")).GetProperty("items").ValueKind);
        var (code, stdout, _) = await Cli.RunAsync(hospital, "keys", "list", "--remote", "--json");
        Assert.Equal(2, code);
        Assert.Equal(ProblemTypes.Unauthorized, JsonDocument.Parse(stdout).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task DatasetUploadFromAPacsOverDicomWebEqualsUploadFromTheSameFiles()
    {
        var (_, keys) = await server.NewTenantAsync("cli pacs cohort", [Roles.Hospital]);
        var images = SyntheticCtImages.Write(Path.Combine(_work.Path, "cohort-images"), 3, seed: 31);
        string[] names = ["first_order.maximum", "first_order.mean"];
        var reader = new Client.Prediction.DicomFeatureReader(new Dicom.Deidentification.DeidentificationOptions(new byte[32]), new Features.RadiomicsOptions());
        var selection = reader.SelectFeatures(names, null);
        var local = await reader.ReadRecordsAsync([.. images.Select(i => i.Path)], selection);
        string lower = string.Join(',', names.Select((_, t) => Math.Floor(local.Min(r => r[t]) - 100).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        string upper = string.Join(',', names.Select((_, t) => Math.Ceiling(local.Max(r => r[t]) + 100).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        async Task<string> CreateAsync(string name)
        {
            var id = (await Cli.JsonAsync(keys[0], "dataset", "create", "--name", name, "--features", string.Join(',', names), "--lower", lower, "--upper", upper)).GetProperty("id").GetString()!;
            await Cli.JsonAsync(keys[0], "keys", "init", "--dataset", id);
            return id;
        }

        string fromDisk = await CreateAsync("from disk");
        var diskUpload = await Cli.JsonAsync(keys[0], ["dataset", "upload", fromDisk, .. images.Select(i => i.Path)]);
        Assert.Equal(3, diskUpload.GetProperty("records").GetInt32());

        using var pacs = new HeCompute.Dicom.Tests.Web.OrthancServer();
        var sops = new List<string>();
        foreach (var (path, _) in images)
        {
            pacs.Store(path);
            sops.Add(Dicom.DicomFile.Open(path).Dataset.GetString(Dicom.DicomTag.SOPInstanceUID));
        }

        string study = Dicom.DicomFile.Open(images[0].Path).Dataset.GetString(Dicom.DicomTag.StudyInstanceUID);
        string fromPacs = await CreateAsync("from pacs");
        var pacsUpload = await Cli.JsonAsync(keys[0], "dataset", "upload", "--dataset", fromPacs, "--dicomweb", pacs.DicomWebRoot.ToString(), "--study", study);
        Assert.Equal(3, pacsUpload.GetProperty("records").GetInt32());
        Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), "hecompute-dicomweb-*"));

        // The same records, file by file: the PACS's copy de-identified and extracted here gives the disk file's features.
        foreach (var record in pacsUpload.GetProperty("inputs").EnumerateArray())
        {
            string input = record.GetProperty("input").GetString()!;
            Assert.StartsWith(pacs.DicomWebRoot + "studies/" + study + "/series/", input, StringComparison.Ordinal);
            int index = sops.FindIndex(sop => input.EndsWith("/instances/" + sop, StringComparison.Ordinal));
            Assert.True(index >= 0, input);
            Assert.Equal(local[index], record.GetProperty("features").EnumerateArray().Select(f => f.GetDouble()));
            Assert.Equal(local[index], diskUpload.GetProperty("inputs")[index].GetProperty("features").EnumerateArray().Select(f => f.GetDouble()));
        }

        // And the encrypted cohorts give the same statistics, equal to the plaintext ones.
        var diskStats = (await Cli.JsonAsync(keys[0], "stats", fromDisk)).GetProperty("statistics");
        var pacsStats = (await Cli.JsonAsync(keys[0], "stats", fromPacs)).GetProperty("statistics");
        Assert.Equal(3, pacsStats.GetProperty("count").GetDouble(), 3);
        for (int t = 0; t < names.Length; t++)
        {
            double mean = local.Average(r => r[t]);
            Assert.Equal(mean, pacsStats.GetProperty("means")[t].GetDouble(), 2);
            Assert.Equal(diskStats.GetProperty("means")[t].GetDouble(), pacsStats.GetProperty("means")[t].GetDouble(), 2);
        }

        string csv = Path.Combine(_work.Path, "cohort-features.csv");
        await File.WriteAllLinesAsync(csv, [string.Join(',', names), "1,2"]);
        var (code, stdout, _) = await Cli.RunAsync(keys[0], "dataset", "upload", fromPacs, csv, "--dicomweb", pacs.DicomWebRoot.ToString(), "--study", study, "--json");
        Assert.NotEqual(0, code);
        Assert.Contains("one CSV file alone", stdout, StringComparison.Ordinal);
        (code, stdout, _) = await Cli.RunAsync(keys[0], "dataset", "upload", fromPacs, "--study", study, "--json");
        Assert.NotEqual(0, code);
        Assert.Contains("--dicomweb", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatasetUploadAndStatisticsThroughTheCli()
    {
        var (_, keys) = await server.NewTenantAsync("cli statistics", [Roles.Hospital]);
        var created = await Cli.JsonAsync(keys[0], "dataset", "create", "--name", "cohort", "--features", "age,size", "--lower", "0,0", "--upper", "100,20", "--categories", "treated");
        var datasetId = created.GetProperty("id").GetString()!;
        await Cli.JsonAsync(keys[0], "keys", "init", "--dataset", datasetId);

        var rows = new[] { (40.0, 5.5, 1.0), (61.0, 7.25, 0.0), (35.5, 3.0, 1.0), (72.0, 9.0, 0.0), (50.0, 6.0, 1.0) };
        var csv = Path.Combine(_work.Path, "cohort.csv");
        Directory.CreateDirectory(_work.Path);
        await File.WriteAllLinesAsync(csv, ["size,age,treated", .. rows.Select(r => FormattableString.Invariant($"{r.Item2},{r.Item1},{r.Item3}"))]);
        var upload = await Cli.JsonAsync(keys[0], "dataset", "upload", datasetId, csv);
        Assert.Equal(5, upload.GetProperty("records").GetInt32());

        var stats = (await Cli.JsonAsync(keys[0], "stats", datasetId)).GetProperty("statistics");
        Assert.Equal(5, stats.GetProperty("count").GetDouble(), 3);
        Assert.Equal(rows.Average(r => r.Item1), stats.GetProperty("means")[0].GetDouble(), 3);
        Assert.Equal(rows.Average(r => r.Item2), stats.GetProperty("means")[1].GetDouble(), 3);
        Assert.Equal(3, stats.GetProperty("groups")[0].GetProperty("count").GetDouble(), 3);
        Assert.Equal(rows.Where(r => r.Item3 == 1).Average(r => r.Item1), stats.GetProperty("groups")[0].GetProperty("means")[0].GetDouble(), 3);

        // A differentially private release: the exact values marked as not for release, the released ones with their
        // guarantee; a demo seed reproduces the noise (and the output says it gives no privacy).
        string[] dp = ["stats", datasetId, "--dp-epsilon", "3", "--dp-seed", "42"];
        var first = await Cli.JsonAsync(keys[0], dp);
        var second = await Cli.JsonAsync(keys[0], dp);
        Assert.Equal(rows.Average(r => r.Item1), first.GetProperty("exact_not_for_release").GetProperty("statistics").GetProperty("means")[0].GetDouble(), 3);
        var release = first.GetProperty("release");
        Assert.Equal(("laplace", "replace", 3.0, 5L, true), (
            release.GetProperty("mechanism").GetString(), release.GetProperty("relation").GetString(), release.GetProperty("total_epsilon").GetDouble(),
            release.GetProperty("records").GetInt64(), release.GetProperty("seeded").GetBoolean()));
        var values = release.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(6, values.Count);
        var ageMean = values.Single(v => v.GetProperty("statistic").GetString() == "mean" && v.GetProperty("feature").GetString() == "age").GetProperty("release");
        Assert.Equal((100.0 / 5, 0.5, 100.0 / 5 / 0.5), (ageMean.GetProperty("sensitivity").GetDouble(), ageMean.GetProperty("epsilon").GetDouble(), ageMean.GetProperty("noise_scale").GetDouble()));
        Assert.InRange(ageMean.GetProperty("value").GetDouble(), 0, 100);
        Assert.Equal(
            values.Select(v => v.GetProperty("release").GetProperty("value").GetDouble()),
            second.GetProperty("release").GetProperty("values").EnumerateArray().Select(v => v.GetProperty("release").GetProperty("value").GetDouble()));

        var (code, stdout, _) = await Cli.RunAsync(keys[0], "stats", datasetId, "--dp-epsilon", "0.5", "--dp-mechanism", "gaussian", "--json");
        Assert.Equal(1, code);
        Assert.Contains("--dp-delta", JsonDocument.Parse(stdout).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => _work.Dispose();

    private static async Task<LogisticRegression> LogisticRegressionForAsync(IReadOnlyList<(string Path, bool Lesion)> images)
    {
        string[] names = ["first_order.maximum", "first_order.p90", "first_order.variance"];
        var reader = new Client.Prediction.DicomFeatureReader(new Dicom.Deidentification.DeidentificationOptions(new byte[32]), new Features.RadiomicsOptions());
        var selection = reader.SelectFeatures(names, null);
        var features = new List<double[]>();
        foreach (var (path, _) in images)
        {
            var vector = (await reader.ReadAsync(path)).Vector;
            features.Add([.. selection.Select(s => vector[s])]);
        }

        return LogisticRegression.Fit(names, features, [.. images.Select(i => i.Lesion)]);
    }
}
