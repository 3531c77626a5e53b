using HeCompute.Lattice.Ring;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Ckks;

/// <summary>
/// Homomorphic operations on CKKS ciphertexts (SEALNet's <c>Evaluator</c>), with SEAL's rules: operands must share a
/// level (parms_id) and, for additions, a scale; a product's scale must fit the modulus at its level; rescaling
/// divides by the last prime. Violations raise <see cref="ParmsIdMismatchException"/>,
/// <see cref="ScaleMismatchException"/> or <see cref="InvalidOperandException"/>.
/// </summary>
/// <remarks>Every out-of-place method copies its first operand to the destination and runs the in-place form.</remarks>
public sealed partial class Evaluator
{
    private readonly Parameters _parameters;

    /// <summary>Creates an evaluator.</summary>
    public Evaluator(Parameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
    }

    private Level Validate(Ciphertext ct, string name)
    {
        ArgumentNullException.ThrowIfNull(ct, name);
        return _parameters.ValidateCiphertext(ct, name);
    }

    private Level Validate(Plaintext plain, string name)
    {
        ArgumentNullException.ThrowIfNull(plain, name);
        if (!plain.IsNTTForm)
        {
            throw new InvalidOperandException($"{name} is not in NTT form; encode it with Encoder.");
        }

        var level = _parameters.RequireLevel(plain.ParmsId, name);
        if (plain.CoeffCount != (ulong)(level.N * level.CoeffModulusSize))
        {
            throw new InvalidOperandException($"{name} has {plain.CoeffCount} coefficients; its level needs {level.N * level.CoeffModulusSize}.");
        }

        return level;
    }

    private static void RequireSameLevel(ParmsId a, ParmsId b, string what)
    {
        if (a != b)
        {
            throw new ParmsIdMismatchException($"{what}: operands are at different levels ({a} vs {b}); mod-switch one of them first.");
        }
    }

    /// <summary>SEAL's are_close: equal up to one ulp of the larger scale (or of 1).</summary>
    private static void RequireSameScale(double a, double b, string what)
    {
        // The C++ numeric_limits<double>::epsilon, not .NET's double.Epsilon (the smallest subnormal).
        const double MachineEpsilon = 2.220446049250313e-16;
        if (!(Math.Abs(a - b) < MachineEpsilon * Math.Max(Math.Max(a, b), 1.0)))
        {
            throw new ScaleMismatchException($"{what}: scales differ ({a} vs {b}); rescale or re-encode so they match.");
        }
    }

    private static void RequireScaleInBounds(double scale, Level level, string what)
    {
        if (!(scale > 0) || !double.IsFinite(scale) || (int)Math.Log2(scale) >= level.TotalModulusBits)
        {
            throw new ScaleMismatchException($"{what}: scale 2^{Math.Log2(scale):F1} is out of bounds for the {level.TotalModulusBits}-bit modulus at this level; rescale first.");
        }
    }

    private static void ThrowIfTransparent(Ciphertext ct, string what)
    {
        if (ct.IsTransparent)
        {
            throw new InvalidOperandException($"{what} produced a transparent ciphertext (it would reveal its message).");
        }
    }
}
