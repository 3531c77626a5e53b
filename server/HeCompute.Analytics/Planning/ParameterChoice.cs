using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Planning;

/// <summary>Parameters the search settled on for one ring degree, with a context to compile and evaluate with.</summary>
/// <param name="Parameters">The encryption parameters.</param>
/// <param name="Evaluation">An evaluation context on them (no keys) at scale 2^<paramref name="ScaleBits"/>.</param>
/// <param name="PrimeBits">Bit sizes of the primes, special prime last.</param>
/// <param name="ScaleBits">log2 Δ.</param>
/// <param name="Depth">Levels the circuit consumes.</param>
/// <param name="DataLevels">Levels the chain offers (= <paramref name="Depth"/> with the fewest primes).</param>
/// <param name="NoiseBound">The circuit's CKKS error bound on an output, in message units.</param>
internal sealed record ParameterChoice(
    Parameters Parameters,
    EvaluationContext Evaluation,
    IReadOnlyList<int> PrimeBits,
    int ScaleBits,
    int Depth,
    int DataLevels,
    double NoiseBound)
{
    /// <summary>N.</summary>
    public int PolyModulusDegree => Parameters.PolyModulusDegree;

    /// <summary>Δ.</summary>
    public double Scale => Math.Pow(2, ScaleBits);
}
