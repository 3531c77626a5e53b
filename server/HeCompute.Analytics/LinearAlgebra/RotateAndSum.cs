using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>The log-step pattern every slot sum uses: acc ← acc + rotate(acc, s) for each step s in turn.</summary>
internal static class RotateAndSum
{
    /// <summary>The steps stride, 2·stride, 4·stride, … below <paramref name="limit"/> (times <paramref name="sign"/>).</summary>
    public static IEnumerable<int> Doubling(int stride, int limit, int sign = 1)
    {
        for (var step = stride; step < limit; step *= 2)
        {
            yield return sign * step;
        }
    }

    /// <summary>Applies the pattern to a copy of <paramref name="ciphertext"/>; no level is consumed.</summary>
    public static Ciphertext Apply(EvaluationContext context, Ciphertext ciphertext, IEnumerable<int> steps)
    {
        var accumulator = new Ciphertext(ciphertext);
        foreach (var step in steps)
        {
            var rotated = context.Rotate(accumulator, step);
            context.Evaluator.AddInplace(accumulator, rotated);
        }

        return accumulator;
    }
}
