using System.Diagnostics;
using System.Globalization;
using HeCompute.Bench.Compare;
using HeCompute.Client.Http;
using HeCompute.Client.Keys;
using HeCompute.Client.Prediction;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;
using Microsoft.Extensions.DependencyInjection;

namespace HeCompute.Bench.EndToEnd;

/// <summary>
/// <c>--e2e</c>: end-to-end encrypted prediction against the real server in its own process. A logistic regression is
/// trained here on the breast-cancer features and registered; keys are generated and uploaded; then, over real
/// loopback HTTP: one-record latency split into encrypt / upload + compute + download / decrypt, a full-ciphertext
/// prediction, throughput with 1, 2 and 4 concurrent clients, and the bytes of every transfer. Every decrypted logit
/// is checked against the plaintext model within the plan's bound (exit code 1 otherwise).
/// </summary>
public static class EndToEndBenchmark
{
    /// <summary>Usage of the switch.</summary>
    public const string Usage = """
        --e2e [--quick] [--server-dll PATH] [--data breast_cancer.csv]
          End-to-end encrypted predictions against the built server (dotnet HeCompute.Server.dll on a free loopback port).
          --quick: 30 one-record calls, 10 full-ciphertext calls, 6 requests per client in the throughput runs
          (default 60, 20 and 16).
        """;

    private const string Passphrase = "bench e2e passphrase";
    private static readonly int[] ConcurrencyLevels = [1, 2, 4];

    /// <summary>Runs the benchmark and prints markdown tables; 0 on success, 1 if a decrypted logit misses its bound.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return RunAsync(args, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var (singleCalls, fullCalls, perClient) = quick ? (30, 10, 6) : (60, 20, 16);
        var root = RepoPaths.FindRoot();
        var dll = Value(args, "--server-dll") ?? ServerProcess.DefaultDll(root);
        var data = BreastCancerData.Load(Value(args, "--data") ?? BreastCancerData.DefaultPath);

        Console.WriteLine($"# End-to-end encrypted prediction ({(quick ? "quick" : "full")} run)");
        Console.WriteLine();
        Console.WriteLine($"load average at start: {LoadAverage()}; {Environment.ProcessorCount} logical cores");
        // λ = 10⁻² on the summed log-loss, and bounds a tenth of the range past the training data.
        var model = LogisticRegression.Fit(data.Features, data.Train, Benign(data.TrainLabels), l2: 1e-2 / data.Train.Length, boundsMargin: 0.1);
        var (train, test) = (model.Accuracy(data.Train, Benign(data.TrainLabels)), model.Accuracy(data.Test, Benign(data.TestLabels)));

        await using var server = await ServerProcess.StartAsync(dll, TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
        var providers = new List<ServiceProvider>();
        try
        {
            var admin = Client(server.BaseAddress, server.AdminKey, providers);
            var tenant = await admin.CreateTenantAsync("bench", cancellationToken).ConfigureAwait(false);
            var apiKey = (await admin.CreateApiKeyAsync(tenant.Id, new CreateApiKeyRequest("bench", [Roles.Hospital, Roles.ModelAdmin]), cancellationToken).ConfigureAwait(false)).Secret;
            var client = Client(server.BaseAddress, apiKey, providers);
            var registered = await client.RegisterModelAsync(new RegisterModelRequest("breast-cancer logistic", model.ToDocument("benign").ToJsonElement()), cancellationToken).ConfigureAwait(false);
            var plan = registered.Plan;

            var watch = Stopwatch.StartNew();
            using var material = await Task.Run(() => PlanKeyMaterial.Generate(plan, cancellationToken), cancellationToken).ConfigureAwait(false);
            var keyGeneration = watch.Elapsed.TotalMilliseconds;
            var store = new KeyStore(Path.Combine(Path.GetTempPath(), "hecompute-bench-keys-" + Guid.NewGuid().ToString("N")));
            try
            {
                var stored = await store.SaveAsync(material, "model", registered.Id, Passphrase, cancellationToken).ConfigureAwait(false);
                watch.Restart();
                KeySetResponse keySet;
                using (var upload = store.OpenUpload(stored))
                {
                    keySet = await client.UploadKeySetAsync(upload, cancellationToken).ConfigureAwait(false);
                }

                var keyUpload = watch.Elapsed.TotalMilliseconds;
                stored = await store.SetServerKeySetIdAsync(stored, keySet.Id, cancellationToken).ConfigureAwait(false);

                // One client per concurrency slot, each with its own HTTP client and its own unlocked keys.
                var predictors = new List<(EncryptedPredictor Predictor, ClientKeySet Keys)>();
                foreach (var _ in Enumerable.Range(0, ConcurrencyLevels.Max()))
                {
                    var keys = await store.UnlockAsync(stored, Passphrase, cancellationToken).ConfigureAwait(false);
                    predictors.Add((new EncryptedPredictor(Client(server.BaseAddress, apiKey, providers), registered, keys, keySet.Id), keys));
                }

                try
                {
                    var checker = new LogitChecker(model, plan.Precision.ExpectedMaxAbsError);
                    var records = data.Test.Select(model.Clamp).ToArray();
                    var perCiphertext = plan.Input.RecordsPerCiphertext;
                    var full = Enumerable.Range(0, perCiphertext).Select(i => (IReadOnlyList<double>)records[i % records.Length]).ToArray();

                    // Warm-up: JIT on both sides and the server's compiled-model cache.
                    checker.Check([records[0]], await predictors[0].Predictor.PredictAsync([records[0]], null, cancellationToken).ConfigureAwait(false));
                    checker.Check(full, await predictors[0].Predictor.PredictAsync(full, null, cancellationToken).ConfigureAwait(false));

                    var single = await LatencyAsync(predictors[0].Predictor, singleCalls, i => [records[i % records.Length]], checker, cancellationToken).ConfigureAwait(false);
                    var packed = await LatencyAsync(predictors[0].Predictor, fullCalls, _ => full, checker, cancellationToken).ConfigureAwait(false);
                    var throughput = new List<ThroughputRow>();
                    foreach (var clients in ConcurrencyLevels)
                    {
                        throughput.Add(await ThroughputAsync(server.Process, predictors.Take(clients).Select(p => p.Predictor).ToList(), perClient, full, checker, cancellationToken).ConfigureAwait(false));
                    }

                    Report(plan, data, train, test, keyGeneration, material.UploadBytes, keyUpload, keySet, single, packed, throughput, checker);
                    Console.WriteLine();
                    Console.WriteLine($"load average at end: {LoadAverage()}");
                    return checker.Failures == 0 ? 0 : 1;
                }
                finally
                {
                    foreach (var (_, keys) in predictors)
                    {
                        keys.Dispose();
                    }
                }
            }
            finally
            {
                if (Directory.Exists(store.Directory))
                {
                    Directory.Delete(store.Directory, recursive: true);
                }
            }
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<List<PredictionRun>> LatencyAsync(
        EncryptedPredictor predictor, int calls, Func<int, IReadOnlyList<IReadOnlyList<double>>> records, LogitChecker checker, CancellationToken cancellationToken)
    {
        var runs = new List<PredictionRun>(calls);
        for (var i = 0; i < calls; i++)
        {
            var input = records(i);
            var run = await predictor.PredictAsync(input, null, cancellationToken).ConfigureAwait(false);
            checker.Check(input, run);
            runs.Add(run);
        }

        return runs;
    }

    private static async Task<ThroughputRow> ThroughputAsync(
        Process server, IReadOnlyList<EncryptedPredictor> clients, int perClient, IReadOnlyList<IReadOnlyList<double>> full, LogitChecker checker, CancellationToken cancellationToken)
    {
        server.Refresh();
        var serverCpu = server.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var all = await Task.WhenAll(clients.Select(predictor => Task.Run(
            async () =>
            {
                var runs = new List<PredictionRun>(perClient);
                for (var i = 0; i < perClient; i++)
                {
                    runs.Add(await predictor.PredictAsync(full, null, cancellationToken).ConfigureAwait(false));
                }

                return runs;
            },
            cancellationToken))).ConfigureAwait(false);
        var seconds = watch.Elapsed.TotalSeconds;
        server.Refresh();
        var cpu = (server.TotalProcessorTime - serverCpu).TotalSeconds;
        var runs = all.SelectMany(r => r).ToList();
        foreach (var run in runs)
        {
            checker.Check(full, run);
        }

        var requests = runs.Count;
        return new ThroughputRow(
            clients.Count, requests, full.Count, seconds, requests / seconds, requests * full.Count / seconds,
            LatencySummary.Of(runs.Select(r => (r.Encrypt + r.RoundTrip + r.Decrypt).TotalMilliseconds)), cpu / seconds);
    }

    private static void Report(
        PlanDocument plan, BreastCancerData data, double train, double test, double keyGeneration, long uploadBytes, double keyUpload, KeySetResponse keySet,
        List<PredictionRun> single, List<PredictionRun> packed, List<ThroughputRow> throughput, LogitChecker checker)
    {
        var p = plan.Parameters;
        Console.WriteLine();
        Console.WriteLine("## Setup");
        Console.WriteLine();
        Console.WriteLine("| item | value |");
        Console.WriteLine("|---|---|");
        Row("model", $"logistic regression, {data.Features.Count} features, Newton/IRLS on standardised features; accuracy train {train:P1}, test {test:P1} ({data.Train.Length}/{data.Test.Length} records)");
        Row("plan", $"N = {p.PolyModulusDegree}, primes [{string.Join(", ", p.CoeffModulusBits)}] bits, scale 2^{Math.Log2(p.Scale):F0}, depth {plan.Precision.Depth}, {plan.Input.RecordsPerCiphertext} records per ciphertext, {plan.Keys.GaloisSteps.Count} Galois keys");
        Row("key generation (secret, public, relin, Galois)", FormattableString.Invariant($"{keyGeneration:F0} ms"));
        Row("evaluation-key upload", FormattableString.Invariant($"{uploadBytes:N0} bytes (server stores {keySet.TotalBytes:N0}) in {keyUpload:F0} ms"));
        Row("largest error of a decrypted logit (vs the plaintext model)", FormattableString.Invariant($"{checker.MaxError:E2} over {checker.Records:N0} records (plan bound {checker.Bound:E2}; {checker.Failures} above it)"));

        Console.WriteLine();
        Console.WriteLine("## Latency of one prediction (ms, median / p90)");
        Console.WriteLine();
        Console.WriteLine("| request | calls | encrypt | upload + compute + download | of which server compute | decrypt | total | bytes up | bytes down |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        LatencyRow("1 record", single);
        LatencyRow($"{plan.Input.RecordsPerCiphertext} records (full ciphertext)", packed);

        Console.WriteLine();
        Console.WriteLine($"## Throughput, concurrent clients, {throughput[0].Records}-record requests");
        Console.WriteLine();
        Console.WriteLine("| clients | requests | wall s | predictions (requests)/s | records/s | latency ms median / p90 | server CPU cores busy |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var t in throughput)
        {
            Console.WriteLine(FormattableString.Invariant($"| {t.Clients} | {t.Requests} | {t.Seconds:F2} | {t.RequestsPerSecond:F2} | {t.RecordsPerSecond:F0} | {t.Latency} | {t.ServerCores:F2} |"));
        }

        static void Row(string item, string value) => Console.WriteLine($"| {item} | {value} |");

        static void LatencyRow(string name, List<PredictionRun> runs) => Console.WriteLine(FormattableString.Invariant(
            $"| {name} | {runs.Count} | {LatencySummary.Of(runs.Select(r => r.Encrypt.TotalMilliseconds))} | {LatencySummary.Of(runs.Select(r => r.RoundTrip.TotalMilliseconds))} | {(runs.All(r => r.ServerCompute is not null) ? LatencySummary.Of(runs.Select(r => r.ServerCompute!.Value.TotalMilliseconds)).ToString() : "n/a")} | {LatencySummary.Of(runs.Select(r => r.Decrypt.TotalMilliseconds))} | {LatencySummary.Of(runs.Select(r => (r.Encrypt + r.RoundTrip + r.Decrypt).TotalMilliseconds))} | {runs[0].BytesSent:N0} | {runs[0].BytesReceived:N0} |"));
    }

    private static HeComputeClient Client(Uri server, string apiKey, List<ServiceProvider> providers)
    {
        var services = new ServiceCollection();
        services.AddHeComputeClient(o =>
        {
            o.BaseAddress = server;
            o.ApiKey = apiKey;
            o.JobPollInterval = TimeSpan.FromMilliseconds(100);
        });
        var provider = services.BuildServiceProvider();
        providers.Add(provider);
        return provider.GetRequiredService<HeComputeClient>();
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static bool[] Benign(int[] labels) => [.. labels.Select(label => label == 1)];

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    /// <summary>One concurrency level's result.</summary>
    private sealed record ThroughputRow(int Clients, int Requests, int Records, double Seconds, double RequestsPerSecond, double RecordsPerSecond, LatencySummary Latency, double ServerCores);

    /// <summary>Compares decrypted logits with the plaintext model's.</summary>
    private sealed class LogitChecker(LogisticRegression model, double bound)
    {
        public double Bound { get; } = bound;

        public double MaxError { get; private set; }

        public long Records { get; private set; }

        public int Failures { get; private set; }

        public void Check(IReadOnlyList<IReadOnlyList<double>> records, PredictionRun run)
        {
            for (var i = 0; i < records.Count; i++)
            {
                var error = Math.Abs(run.Results[i].Outputs[0] - model.Logit(records[i]));
                MaxError = Math.Max(MaxError, error);
                Records++;
                if (error > Bound)
                {
                    Failures++;
                }
            }
        }
    }
}
