using HeCompute.Analytics.Polynomials;

namespace HeCompute.Analytics.Planning;

/// <summary>
/// The leveled operations on slot values in double precision, with the scale bookkeeping of the real evaluation and
/// the CKKS errors injected where they arise: every rescale adds a uniform error of up to
/// <see cref="CkksNoise.RescaleNoise"/> / new scale to each slot, and constants are rounded to their encoding scale.
/// Running a circuit on it (the same algorithm code as on ciphertexts) measures how that circuit propagates noise.
/// </summary>
internal sealed class NoisyPlainArithmetic(EvaluationContext context, Random random) : ILeveledArithmetic<NoisyVector>
{
    private readonly double _rescaleNoise = CkksNoise.RescaleNoise(context.SlotCount * 2);

    public EvaluationContext Context { get; } = context;

    public int Level(NoisyVector value) => value.Level;

    public double Scale(NoisyVector value) => value.Scale;

    public NoisyVector ModSwitchTo(NoisyVector value, int level) => new(value.Values, level, value.Scale);

    public NoisyVector Multiply(NoisyVector a, NoisyVector b)
    {
        var result = new double[a.Values.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = a.Values[i] * b.Values[i];
        }

        return new NoisyVector(result, Math.Min(a.Level, b.Level), a.Scale * b.Scale);
    }

    public NoisyVector MultiplyConstant(NoisyVector value, double constant, double plainScale)
    {
        var encoded = Math.Round(constant * plainScale) / plainScale;
        var result = new double[value.Values.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = value.Values[i] * encoded;
        }

        return new NoisyVector(result, value.Level, value.Scale * plainScale);
    }

    public NoisyVector AddConstant(NoisyVector value, double constant)
    {
        var encoded = Math.Round(constant * value.Scale) / value.Scale;
        var result = new double[value.Values.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = value.Values[i] + encoded;
        }

        return new NoisyVector(result, value.Level, value.Scale);
    }

    public NoisyVector Add(NoisyVector a, NoisyVector b) => Combine(a, b, 1);

    public NoisyVector Subtract(NoisyVector a, NoisyVector b) => Combine(a, b, -1);

    public NoisyVector Rescale(NoisyVector value)
    {
        var scale = value.Scale / Context.RescalePrime(value.Level);
        var bound = _rescaleNoise / scale;
        var result = new double[value.Values.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = value.Values[i] + (bound * ((2 * random.NextDouble()) - 1));
        }

        return new NoisyVector(result, value.Level - 1, scale);
    }

    public NoisyVector WithScale(NoisyVector value, double scale)
    {
        var factor = value.Scale / scale;
        var result = new double[value.Values.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = value.Values[i] * factor;
        }

        return new NoisyVector(result, value.Level, scale);
    }

    private static NoisyVector Combine(NoisyVector a, NoisyVector b, double sign)
    {
        var result = new double[a.Values.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = a.Values[i] + (sign * b.Values[i]);
        }

        return new NoisyVector(result, Math.Min(a.Level, b.Level), a.Scale);
    }
}
