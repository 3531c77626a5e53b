using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>
/// Slot-wise products: of two encrypted vectors, of many, and of an encrypted vector with a plaintext vector. No
/// rotations (<see cref="RequiredSteps"/> is empty).
/// </summary>
/// <remarks>
/// Levels and scales: <see cref="Multiply"/> switches the operand at the higher level down to the lower level ℓ,
/// multiplies, relinearizes and rescales: the result is at ℓ − 1 with scale s_a·s_b/q_ℓ.
/// <see cref="WithPlain"/> consumes one level and returns exactly the requested scale (the input's by default).
/// </remarks>
public static class ElementwiseProduct
{
    /// <summary>Rotation steps used: none.</summary>
    public static IReadOnlyList<int> RequiredSteps() => [];

    /// <summary>a ⊙ b (slot-wise), relinearized and rescaled.</summary>
    public static Ciphertext Multiply(EvaluationContext context, Ciphertext a, Ciphertext b)
    {
        ArgumentNullException.ThrowIfNull(context);
        var levelA = CiphertextOps.CheckInput(context, a, 1, nameof(a));
        var levelB = CiphertextOps.CheckInput(context, b, 1, nameof(b));
        var level = Math.Min(levelA, levelB);
        var left = CiphertextOps.AtLevel(context, a, level);
        var right = CiphertextOps.AtLevel(context, b, level);
        var result = new Ciphertext();
        if (ReferenceEquals(left, right))
        {
            context.Evaluator.Square(left, result);
        }
        else
        {
            context.Evaluator.Multiply(left, right, result);
        }

        context.RelinearizeInplace(result);
        context.Evaluator.RescaleToNextInplace(result);
        return result;
    }

    /// <summary>a ⊙ a, relinearized and rescaled.</summary>
    public static Ciphertext Square(EvaluationContext context, Ciphertext a) => Multiply(context, a, a);

    /// <summary>
    /// The slot-wise product of all factors as a balanced tree: depth ⌈log2(count)⌉ below the lowest input level.
    /// The scale is whatever the products give (see <see cref="SimulateProduct"/>).
    /// </summary>
    public static Ciphertext Product(EvaluationContext context, IReadOnlyList<Ciphertext> factors)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Count == 0)
        {
            throw new ArgumentException("At least one factor is required.", nameof(factors));
        }

        var layer = factors.ToList();
        while (layer.Count > 1)
        {
            var next = new List<Ciphertext>((layer.Count + 1) / 2);
            for (var i = 0; i + 1 < layer.Count; i += 2)
            {
                next.Add(Multiply(context, layer[i], layer[i + 1]));
            }

            if (layer.Count % 2 == 1)
            {
                next.Add(layer[^1]);
            }

            layer = next;
        }

        return layer[0] == factors[0] ? new Ciphertext(layer[0]) : layer[0];
    }

    /// <summary>
    /// a ⊙ v for a plaintext vector v (zero-padded to the slot count), encoded at the scale that makes the rescaled
    /// product land exactly on <paramref name="outputScale"/> (default: a's scale). One level.
    /// </summary>
    public static Ciphertext WithPlain(EvaluationContext context, Ciphertext a, ReadOnlySpan<double> values, double? outputScale = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var level = CiphertextOps.CheckInput(context, a, 1, nameof(a));
        if (values.Length > context.SlotCount)
        {
            throw new ArgumentException($"At most {context.SlotCount} values fit in the slots; got {values.Length}.", nameof(values));
        }

        if (!values.ContainsAnyExcept(0.0))
        {
            throw new ArgumentException("Multiplying by the zero vector would give a transparent ciphertext; the result is known to be zero.", nameof(values));
        }

        var target = outputScale ?? a.Scale;
        var plain = context.EncodeVector(values, level, CiphertextOps.PlainScaleFor(context, level, a.Scale, target));
        var result = new Ciphertext();
        context.Evaluator.MultiplyPlain(a, plain, result);
        context.Evaluator.RescaleToNextInplace(result);
        CiphertextOps.Snap(result, target);
        return result;
    }

    /// <summary>The shape <see cref="Multiply"/> produces.</summary>
    public static CiphertextShape SimulateMultiply(EvaluationContext context, CiphertextShape a, CiphertextShape b)
    {
        ArgumentNullException.ThrowIfNull(context);
        var level = Math.Min(a.Level, b.Level);
        if (level < 1)
        {
            throw new InsufficientLevelsException(1, level);
        }

        return new CiphertextShape(level - 1, a.Scale * b.Scale / context.RescalePrime(level));
    }

    /// <summary>The shape <see cref="Product"/> produces.</summary>
    public static CiphertextShape SimulateProduct(EvaluationContext context, IReadOnlyList<CiphertextShape> factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Count == 0)
        {
            throw new ArgumentException("At least one factor is required.", nameof(factors));
        }

        var layer = factors.ToList();
        while (layer.Count > 1)
        {
            var next = new List<CiphertextShape>();
            for (var i = 0; i + 1 < layer.Count; i += 2)
            {
                next.Add(SimulateMultiply(context, layer[i], layer[i + 1]));
            }

            if (layer.Count % 2 == 1)
            {
                next.Add(layer[^1]);
            }

            layer = next;
        }

        return layer[0];
    }

    /// <summary>The shape <see cref="WithPlain"/> produces.</summary>
    public static CiphertextShape SimulateWithPlain(CiphertextShape a, double? outputScale = null) =>
        a.Level < 1 ? throw new InsufficientLevelsException(1, a.Level) : new CiphertextShape(a.Level - 1, outputScale ?? a.Scale);
}
