using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Statistics;

/// <summary>
/// Encrypted group sums of squares: for each indicator column g, <see cref="Squares"/>[i] (i indexing
/// <see cref="Indicators"/>) holds I_g·x_c² of record r in slot r·w + c for the features c &lt; <see cref="Features"/>,
/// summed over the ciphertexts added in. With the cross sums Σ I_g·x_c of <see cref="EncryptedAggregate"/> and the
/// group count Σ I_g, they give each group's variance. Aggregates add up in any order and tree.
/// </summary>
public sealed class GroupAggregate
{
    internal GroupAggregate(CohortLayout layout, int features, IReadOnlyList<int> indicators, Ciphertext[] squares)
    {
        Layout = layout;
        Features = features;
        Indicators = indicators;
        Squares = squares;
    }

    /// <summary>
    /// An aggregate rebuilt from its ciphertexts (e.g. a job's checkpoint): one per indicator, as <see cref="Squares"/>
    /// held them. The ciphertexts are taken over, not copied.
    /// </summary>
    public static GroupAggregate FromParts(CohortLayout layout, int features, IReadOnlyList<int> indicators, IReadOnlyList<Ciphertext> squares)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(indicators);
        ArgumentNullException.ThrowIfNull(squares);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(features, layout.Columns);
        if (squares.Count != indicators.Count)
        {
            throw new ArgumentException($"A group aggregate of {indicators.Count} indicators has {indicators.Count} ciphertexts, not {squares.Count}.", nameof(squares));
        }

        foreach (var g in indicators)
        {
            if (g < features || g >= layout.Columns)
            {
                throw new ArgumentOutOfRangeException(nameof(indicators), g, $"Indicator columns are from {features} to {layout.Columns - 1}.");
            }
        }

        return new GroupAggregate(layout, features, [.. indicators], [.. squares]);
    }

    /// <summary>The layout of the records aggregated.</summary>
    public CohortLayout Layout { get; }

    /// <summary>Number of feature columns (columns 0 … features − 1).</summary>
    public int Features { get; }

    /// <summary>The indicator columns, in the order of <see cref="Squares"/>.</summary>
    public IReadOnlyList<int> Indicators { get; }

    /// <summary>Per indicator, I_g·x_c² per record slot block.</summary>
    public IReadOnlyList<Ciphertext> Squares { get; }

    /// <summary>The aggregate of both cohorts (a new object; neither operand changes).</summary>
    public GroupAggregate Add(EvaluationContext context, GroupAggregate other)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(other);
        if (other.Layout != Layout || other.Features != Features || !other.Indicators.SequenceEqual(Indicators))
        {
            throw new ArgumentException("Group aggregates of different layouts, features or indicators cannot be added.", nameof(other));
        }

        var squares = new Ciphertext[Squares.Count];
        for (var i = 0; i < squares.Length; i++)
        {
            squares[i] = CiphertextOps.Add(context, Squares[i], other.Squares[i]);
        }

        return new GroupAggregate(Layout, Features, Indicators, squares);
    }
}
