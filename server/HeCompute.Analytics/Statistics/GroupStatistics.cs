using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Protocol.Statistics;

namespace HeCompute.Analytics.Statistics;

/// <summary>
/// Group-by second moments over encrypted 0/1 indicator columns: Σ I_g·x_c² for every feature c and indicator g,
/// the moment a group's variance needs besides the count Σ I_g and the sum Σ I_g·x_c that
/// <see cref="CohortStatistics"/> already gives (<see cref="CohortMoments.GroupVariance"/> finishes on the client).
/// </summary>
/// <remarks>
/// Per ciphertext of records: the batch's cross products x_c·x_(c+k) (from <see cref="CohortStatistics.Accumulate"/>)
/// hold x_c·I_g in slot c of each block for k = g − c; masking slot c of each of those (one level) and adding them
/// gives Z_g with x_c·I_g in slot c for every feature, and Z_g ⊙ records gives I_g·x_c² (one level). No rotation:
/// the batch's products already did them. <see cref="Finish"/> sums over the records and masks (one level): four
/// levels from a fresh ciphertext in all, <see cref="Depth"/>.
/// </remarks>
public static class GroupStatistics
{
    /// <summary>Levels from a fresh records ciphertext to the finished group sums of squares.</summary>
    public const int Depth = 4;

    /// <summary>Rotation steps used beyond the layout's: none.</summary>
    public static IReadOnlyList<int> RequiredSteps() => [];

    /// <summary>The group squares of one ciphertext of records, from the records and their own aggregate.</summary>
    /// <param name="context">The evaluation context.</param>
    /// <param name="records">The records ciphertext (as given to <see cref="CohortStatistics.Accumulate"/>).</param>
    /// <param name="batch">The aggregate of exactly these records (not yet added to others).</param>
    /// <param name="features">Feature columns: 0 … features − 1.</param>
    /// <param name="indicators">Indicator columns (each ≥ features).</param>
    public static GroupAggregate Accumulate(EvaluationContext context, Ciphertext records, EncryptedAggregate batch, int features, IReadOnlyList<int> indicators)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(indicators);
        var layout = batch.Layout;
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(features, layout.Columns);
        foreach (var g in indicators)
        {
            if (g < features || g >= layout.Columns)
            {
                throw new ArgumentOutOfRangeException(nameof(indicators), g, $"Indicator columns are from {features} to {layout.Columns - 1}.");
            }
        }

        CiphertextOps.CheckInput(context, records, Depth, nameof(records));
        var squares = new Ciphertext[indicators.Count];
        var mask = new double[context.SlotCount];
        for (var i = 0; i < squares.Length; i++)
        {
            var g = indicators[i];
            Ciphertext? z = null;
            for (var c = 0; c < features; c++)
            {
                Array.Clear(mask);
                for (var r = 0; r < layout.RecordsPerCiphertext; r++)
                {
                    mask[(r * layout.Width) + c] = 1;
                }

                var term = ElementwiseProduct.WithPlain(context, batch.Products[g - c], mask);
                z = z is null ? term : CiphertextOps.Add(context, z, term);
            }

            squares[i] = ElementwiseProduct.Multiply(context, z!, records);
        }

        return new GroupAggregate(layout, features, [.. indicators], squares);
    }

    /// <summary>Sums over the records: per indicator, slot c (c &lt; features) holds Σ I_g·x_c²; every other slot is zero.</summary>
    public static IReadOnlyList<Ciphertext> Finish(EvaluationContext context, GroupAggregate aggregate)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(aggregate);
        var result = new Ciphertext[aggregate.Squares.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var total = CrossBlockSum.Apply(context, aggregate.Squares[i], aggregate.Layout.Width);
            result[i] = SlotMask.KeepRange(context, total, 0, aggregate.Features);
        }

        return result;
    }
}
