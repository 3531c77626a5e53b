using HeCompute.Analytics.Statistics;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;

namespace HeCompute.Analytics.Planning;

/// <summary>The plan of a cohort's encrypted statistics: the document clients read, and what the server computes with.</summary>
public sealed class StatisticsPlan
{
    internal StatisticsPlan(
        PlanDocument document,
        Parameters parameters,
        double scale,
        CohortLayout layout,
        IReadOnlyList<string> columns,
        IReadOnlyList<double> scales,
        int countColumn,
        EncryptedFinishing? finishing,
        double noiseBound,
        double floodingStandardDeviation)
    {
        Document = document;
        Parameters = parameters;
        Scale = scale;
        Layout = layout;
        Columns = columns;
        Scales = scales;
        CountColumn = countColumn;
        Finishing = finishing;
        NoiseBound = noiseBound;
        FloodingStandardDeviation = floodingStandardDeviation;
    }

    /// <summary>The plan clients read (subject <c>statistics</c>; input packing = the cohort layout).</summary>
    public PlanDocument Document { get; }

    /// <summary>The encryption parameters.</summary>
    public Parameters Parameters { get; }

    /// <summary>Δ.</summary>
    public double Scale { get; }

    /// <summary>How records sit in the slots.</summary>
    public CohortLayout Layout { get; }

    /// <summary>Column names: the features, <c>count</c>, the categories.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Per column, the divisor the client applies so that |x / scale| ≤ 1 (1 for the count and indicators).</summary>
    public IReadOnlyList<double> Scales { get; }

    /// <summary>Index of the constant-1 column.</summary>
    public int CountColumn { get; }

    /// <summary>Number of feature columns (0 … features − 1).</summary>
    public int FeatureCount => CountColumn;

    /// <summary>The indicator columns (after the count column).</summary>
    public IReadOnlyList<int> IndicatorColumns => [.. Enumerable.Range(CountColumn + 1, Columns.Count - CountColumn - 1)];

    /// <summary>The encrypted finishing, when the plan allows it; null otherwise.</summary>
    public EncryptedFinishing? Finishing { get; }

    /// <summary>Bound on the CKKS error of any result divided by the record count, in scaled units, before any flooding.</summary>
    public double NoiseBound { get; }

    /// <summary>
    /// σ of the flooding error to add to every result (scaled units) — 2^30 × √MaxRecords × <see cref="NoiseBound"/>,
    /// above the noise of any sum — or 0 when planned without noise flooding.
    /// </summary>
    public double FloodingStandardDeviation { get; }

    /// <summary>
    /// A result switched down to the plan's output level (<c>Document.Output.Level</c>): what the server returns, so
    /// every result has the same, smallest size (<c>Sizes.OutputCiphertextBytes</c>). Dropping primes adds no noise.
    /// </summary>
    public Ciphertext ToOutputLevel(EvaluationContext context, Ciphertext result)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        return CiphertextOps.AtLevel(context, result, Document.Output.Level);
    }
}
