using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Polynomials;

/// <summary><see cref="ILeveledArithmetic{T}"/> on real ciphertexts.</summary>
internal sealed class CiphertextArithmetic(EvaluationContext context) : ILeveledArithmetic<Ciphertext>
{
    public EvaluationContext Context { get; } = context;

    public int Level(Ciphertext value) => Context.LevelOf(value);

    public double Scale(Ciphertext value) => value.Scale;

    public Ciphertext ModSwitchTo(Ciphertext value, int level) => CiphertextOps.AtLevel(Context, value, level);

    public Ciphertext Multiply(Ciphertext a, Ciphertext b)
    {
        var result = new Ciphertext();
        if (ReferenceEquals(a, b))
        {
            Context.Evaluator.Square(a, result);
        }
        else
        {
            Context.Evaluator.Multiply(a, b, result);
        }

        Context.RelinearizeInplace(result);
        return result;
    }

    public Ciphertext MultiplyConstant(Ciphertext value, double constant, double plainScale)
    {
        var result = new Ciphertext();
        Context.Evaluator.MultiplyPlain(value, Context.EncodeConstant(constant, Level(value), plainScale), result);
        return result;
    }

    public Ciphertext AddConstant(Ciphertext value, double constant)
    {
        var result = new Ciphertext();
        Context.Evaluator.AddPlain(value, Context.EncodeConstant(constant, Level(value), value.Scale), result);
        return result;
    }

    public Ciphertext Add(Ciphertext a, Ciphertext b) => CiphertextOps.Add(Context, a, b);

    public Ciphertext Subtract(Ciphertext a, Ciphertext b) => CiphertextOps.Add(Context, a, b, subtract: true);

    public Ciphertext Rescale(Ciphertext value)
    {
        var result = new Ciphertext();
        Context.Evaluator.RescaleToNext(value, result);
        return result;
    }

    public Ciphertext WithScale(Ciphertext value, double scale) => new(value) { Scale = scale };
}
