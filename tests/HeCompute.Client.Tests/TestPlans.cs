using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;
using HeCompute.Contracts;

namespace HeCompute.Client.Tests;

/// <summary>Plans built the way the server's planner describes them, on real SEAL parameters.</summary>
internal static class TestPlans
{
    public const int N = 8192;

    public static ParametersLiteral Parameters()
    {
        var parms = new ParametersLiteral(N, CoeffModulus.Create(N, [60, 40, 40, 60]));
        return parms;
    }

    /// <summary>Element of a rotation step, written out independently of the SDK: 3^step mod 2N (negative: N/2 − |step|).</summary>
    public static uint Element(int step)
    {
        var exponent = step > 0 ? step : (N / 2) + step;
        ulong result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result = result * 3 % (2 * N);
        }

        return (uint)result;
    }

    public static PlanDocument Model(int[] steps, PlanInput? input = null, PlanOutput? output = null, bool relin = true)
    {
        var parms = Parameters();
        using var buffer = new MemoryStream();
        parms.Save(buffer, CompressionMode.None);
        return new PlanDocument
        {
            Subject = "model",
            ModelKind = "logistic-regression",
            Parameters = new PlanParameters(N, [60, 40, 40, 60], [.. parms.CoefficientPrimes], Math.Pow(2, 40), 128, parms.ParmsId.ToString(), Convert.ToBase64String(buffer.ToArray())),
            Keys = new PlanKeys(relin, steps, [.. steps.Select(Element)]),
            Input = input ?? new PlanInput(["a", "b", "c"], [1, 2, 3], [2, 4, 8], null, null, 1024, 4, [0, 1, 2], 0, 1),
            Output = output ?? new PlanOutput(["lesion"], [0], "logit", 1, Math.Pow(2, 40)),
            Precision = new PlanPrecision(2, 1, 20, 1e-4, 0),
            Sizes = new PlanSizes(0, 0, 0, 0, 0, 0),
        };
    }
}
