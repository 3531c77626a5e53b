namespace HeCompute.Analytics.Polynomials;

/// <summary>
/// <see cref="ILeveledArithmetic{T}"/> on shapes: the same scale arithmetic the engine does (products of scales,
/// division by the rescale prime), the same bound checks the engine and encoder make, and operation counts.
/// </summary>
internal sealed class ShapeArithmetic(EvaluationContext context) : ILeveledArithmetic<SimulatedCiphertext>
{
    public EvaluationContext Context { get; } = context;

    /// <summary>Ciphertext–ciphertext products (each with a relinearization).</summary>
    public int Multiplications { get; private set; }

    /// <summary>Products by plaintext constants.</summary>
    public int ConstantMultiplications { get; private set; }

    /// <summary>Rescales.</summary>
    public int Rescales { get; private set; }

    public int Level(SimulatedCiphertext value) => value.Level;

    public double Scale(SimulatedCiphertext value) => value.Scale;

    public SimulatedCiphertext ModSwitchTo(SimulatedCiphertext value, int level) => value.Level == level
        ? value
        : level < value.Level && level >= 0 ? new SimulatedCiphertext(level, value.Scale) : throw new InvalidOperationException($"Cannot switch from level {value.Level} to {level}.");

    public SimulatedCiphertext Multiply(SimulatedCiphertext a, SimulatedCiphertext b)
    {
        RequireSameLevel(a, b);
        Multiplications++;
        return new SimulatedCiphertext(a.Level, CheckProductScale(a.Scale * b.Scale, a.Level));
    }

    public SimulatedCiphertext MultiplyConstant(SimulatedCiphertext value, double constant, double plainScale)
    {
        CheckEncoding(constant, plainScale, value.Level);
        ConstantMultiplications++;
        return new SimulatedCiphertext(value.Level, CheckProductScale(value.Scale * plainScale, value.Level));
    }

    public SimulatedCiphertext AddConstant(SimulatedCiphertext value, double constant)
    {
        CheckEncoding(constant, value.Scale, value.Level);
        return value;
    }

    public SimulatedCiphertext Add(SimulatedCiphertext a, SimulatedCiphertext b)
    {
        RequireSameLevel(a, b);
        if (!CiphertextOps.ScalesClose(a.Scale, b.Scale))
        {
            throw new InvalidOperationException($"Scale bookkeeping error: adding scales {a.Scale} and {b.Scale}.");
        }

        return a;
    }

    public SimulatedCiphertext Subtract(SimulatedCiphertext a, SimulatedCiphertext b) => Add(a, b);

    public SimulatedCiphertext Rescale(SimulatedCiphertext value)
    {
        Rescales++;
        return new SimulatedCiphertext(value.Level - 1, value.Scale / Context.RescalePrime(value.Level));
    }

    public SimulatedCiphertext WithScale(SimulatedCiphertext value, double scale) => new(value.Level, scale);

    private static void RequireSameLevel(SimulatedCiphertext a, SimulatedCiphertext b)
    {
        if (a.Level != b.Level)
        {
            throw new InvalidOperationException($"Operands at different levels ({a.Level} and {b.Level}).");
        }
    }

    /// <summary>The evaluator's check: log2(scale) below the bit count of the modulus at the level.</summary>
    private double CheckProductScale(double scale, int level)
    {
        if (!(scale > 0) || !double.IsFinite(scale) || (int)Math.Log2(scale) >= Context.ModulusBits(level))
        {
            throw new InvalidOperationException($"Scale 2^{Math.Log2(scale):F1} is out of bounds for the {Context.ModulusBits(level)}-bit modulus at level {level}.");
        }

        return scale;
    }

    /// <summary>The encoder's checks for a constant: the scale and the scaled value fit the modulus at the level.</summary>
    private void CheckEncoding(double constant, double scale, int level)
    {
        var bits = Context.ModulusBits(level);
        if (!double.IsNormal(scale) || scale <= 0 || (int)Math.Log2(scale) + 1 >= bits)
        {
            throw new InvalidOperationException($"Plaintext scale 2^{Math.Log2(scale):F1} is out of bounds for the {bits}-bit modulus at level {level}.");
        }

        var magnitude = Math.Abs(constant * scale);
        if (!double.IsFinite(magnitude) || Math.Ceiling(Math.Log2(Math.Max(magnitude, 1.0))) + 1 >= bits)
        {
            throw new InvalidOperationException($"The constant {constant} at scale 2^{Math.Log2(scale):F1} needs more than the {bits} bits of the modulus at level {level}.");
        }
    }
}
