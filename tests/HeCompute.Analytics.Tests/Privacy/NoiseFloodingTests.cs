using System.Numerics;
using HeCompute.Analytics.Models;
using HeCompute.Analytics.Planning;
using HeCompute.Analytics.Privacy;
using HeCompute.Analytics.Tests.Models;
using HeCompute.Analytics.Tests.Planning;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Protocol.Models;
using Xunit.Abstractions;

namespace HeCompute.Analytics.Tests.Privacy;

/// <summary>
/// Noise flooding: the decrypted error of a flooded result has the stated standard deviation in the real and the
/// imaginary parts (the whole polynomial is flooded), the ciphertext is re-randomised, an unflooded result carries only
/// the small circuit noise, and a plan made for flooding keeps its precision bound after it.
/// </summary>
public sealed class NoiseFloodingTests(PlannerFixture f, ITestOutputHelper output) : IClassFixture<PlannerFixture>
{
    [Fact]
    public void FloodedErrorHasTheStatedStandardDeviation()
    {
        var parameters = new ParametersLiteral(8192, CoeffModulus.Create(8192, [60, 40, 40, 60]));
        using var client = new PlannedKeys(parameters, Math.Pow(2, 40), relinearization: false, []);
        var values = Enumerable.Range(0, client.Evaluation.SlotCount).Select(i => Math.Sin(i)).ToArray();
        var result = client.Encrypt(values);
        const double sigma = 1e-4;
        var flooded = NoiseFlooding.Apply(client.Evaluation, client.PublicKey, result, sigma);
        Assert.Equal(result.ParmsId, flooded.ParmsId);
        Assert.Equal(result.Scale, flooded.Scale);
        Assert.NotEqual(result[(ulong)(8192 * 3)], flooded[(ulong)(8192 * 3)]);

        var plain = new Plaintext();
        client.Decryptor.Decrypt(flooded, plain);
        var decoded = new List<Complex>();
        client.Evaluation.Encoder.Decode(plain, decoded);
        var real = decoded.Select((z, i) => z.Real - values[i]).ToArray();
        var imaginary = decoded.Select(z => z.Imaginary).ToArray();
        var unflooded = client.Decrypt(result).Select((v, i) => Math.Abs(v - values[i])).Max();
        var (realMean, realStd) = Moments(real);
        var (imaginaryMean, imaginaryStd) = Moments(imaginary);
        var ks = KolmogorovSmirnov(real, sigma);
        output.WriteLine($"σ = {sigma:E2}: real part mean {realMean:E2} std {realStd:E4}, imaginary mean {imaginaryMean:E2} std {imaginaryStd:E4}, KS distance to N(0, σ²) {ks:F4}; unflooded max error {unflooded:E2}");

        // 4096 samples: the std of a sample std is σ/√8192 ≈ 1.1 %, of a sample mean σ/64; the KS 0.1 % critical value is 1.95/√4096.
        Assert.InRange(realStd / sigma, 0.95, 1.05);
        Assert.InRange(imaginaryStd / sigma, 0.95, 1.05);
        Assert.True(Math.Abs(realMean) < 5 * sigma / 64, $"mean {realMean}");
        Assert.True(ks < 1.95 / 64, $"KS {ks}");
        Assert.True(unflooded < sigma / 100, $"unflooded {unflooded}");
        Assert.True(real.Max(Math.Abs) <= NoiseFlooding.BoundFor(sigma));
    }

    [Fact]
    public void APlanMadeForFloodingKeepsItsPrecisionAfterFlooding()
    {
        var document = f.Document("logistic");
        var plan = ModelPlanner.Plan(document, new PlanOptions(PrecisionBits: 4, NoiseFlooding: true));
        var unflooded = ModelPlanner.Plan(document, new PlanOptions(PrecisionBits: 4));
        output.WriteLine($"flooded plan: N = {plan.Document.Parameters.PolyModulusDegree}, bits [{string.Join(", ", plan.Document.Parameters.CoeffModulusBits)}], levels left {plan.Document.Precision.LevelsLeft}, σ = {plan.FloodingStandardDeviation:E2} ({NoiseFlooding.Bits(plan.FloodingStandardDeviation, plan.Scale)} bits), bound {plan.Document.Precision.ExpectedMaxAbsError:E2}; unflooded scale 2^{Math.Log2(unflooded.Scale)}");
        Assert.Equal(plan.CircuitNoiseBound * Math.Pow(2, 30), plan.FloodingStandardDeviation);
        Assert.True(plan.Document.Precision.ExpectedMaxAbsError <= Math.Pow(2, -4));
        Assert.True(Math.Log2(plan.Scale) >= Math.Log2(unflooded.Scale) + NoiseFlooding.ExtraScaleBits - 1);

        var keys = plan.Document.Keys;
        using var client = new PlannedKeys(plan.Parameters, plan.Scale, keys.RelinearizationKeys, keys.GaloisElements);
        var records = f.Sklearn.TestRecords("logistic").Take(plan.Model.RecordsPerCiphertext).ToArray();
        var result = plan.Model.Evaluate(client.Evaluation, client.Encrypt(plan.Model.Pack(records)), records.Length);
        var flooded = NoiseFlooding.Apply(client.Evaluation, client.PublicKey, result, plan.FloodingStandardDeviation);
        var outputs = plan.Model.Unpack(client.Decrypt(flooded), records.Length);
        var errors = records.Select((r, i) => outputs[i][0] - plan.Model.EvaluatePlain(document.Input.Standardize(r))[0]).ToArray();
        var (_, std) = Moments(errors);
        output.WriteLine($"{records.Length} outputs: error std {std:E2} (σ {plan.FloodingStandardDeviation:E2}), max {errors.Max(Math.Abs):E2}");
        Assert.True(errors.Max(Math.Abs) <= plan.Document.Precision.ExpectedMaxAbsError);
        Assert.InRange(std / plan.FloodingStandardDeviation, 0.8, 1.2);
    }

    [Fact]
    public void TwentyBitsWithFloodingAreRefusedWithTheReason()
    {
        var error = Assert.Throws<ModelPlanningException>(() => ModelPlanner.Plan(f.Document("logistic"), new PlanOptions(NoiseFlooding: true)));
        Assert.Contains("noise flooding", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        var parameters = new ParametersLiteral(4096, CoeffModulus.Create(4096, [40, 30, 30]));
        using var client = new PlannedKeys(parameters, Math.Pow(2, 30), relinearization: false, []);
        var other = new ParametersLiteral(4096, CoeffModulus.Create(4096, [40, 30, 31]));
        using var stranger = new PlannedKeys(other, Math.Pow(2, 30), relinearization: false, []);
        var result = client.Encrypt([1.0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseFlooding.Apply(client.Evaluation, client.PublicKey, result, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseFlooding.Apply(client.Evaluation, client.PublicKey, result, double.NaN));
        Assert.Throws<ArgumentException>(() => NoiseFlooding.Apply(client.Evaluation, stranger.PublicKey, result, 1e-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => NoiseFlooding.StandardDeviationFor(-1));
    }

    private static (double Mean, double Std) Moments(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        return (mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)));
    }

    /// <summary>sup |F_empirical − Φ(x/σ)|.</summary>
    private static double KolmogorovSmirnov(IReadOnlyList<double> values, double sigma)
    {
        var sorted = values.Order().ToArray();
        var worst = 0.0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var cdf = 0.5 * (1 + Erf(sorted[i] / (sigma * Math.Sqrt(2))));
            worst = Math.Max(worst, Math.Max(Math.Abs(cdf - ((double)i / sorted.Length)), Math.Abs(cdf - ((double)(i + 1) / sorted.Length))));
        }

        return worst;
    }

    /// <summary>Abramowitz–Stegun 7.1.26 (absolute error below 1.5·10⁻⁷).</summary>
    private static double Erf(double x)
    {
        var t = 1 / (1 + (0.3275911 * Math.Abs(x)));
        var polynomial = ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t;
        var y = 1 - (polynomial * Math.Exp(-x * x));
        return Math.Sign(x) * y;
    }
}
