using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Tests;

/// <summary>
/// Runs a block with Galois keys for exactly its declared steps (so a missing step would throw
/// <see cref="MissingKeyException"/>) and checks that every declared step was used: the list is complete and exact.
/// </summary>
public static class StepAssert
{
    public static T RunWithExactly<T>(CkksTestContext f, IReadOnlyList<int> declared, Func<EvaluationContext, T> run)
    {
        var context = f.WithSteps(declared);
        var used = new SortedSet<int>();
        context.RotationObserver = step => used.Add(step);
        var result = run(context);
        Assert.Equal(declared.Order(), used);
        return result;
    }
}
