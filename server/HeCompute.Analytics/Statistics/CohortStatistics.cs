using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Contracts;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice;
using HeCompute.Protocol.Statistics;

namespace HeCompute.Analytics.Statistics;

/// <summary>
/// How records of a cohort sit in the slots: each record is a row of m columns (features, then a constant 1 for the
/// count, then any 0/1 indicators: one-hot histogram bins or category indicators for group-by), one record per block
/// of w slots (w the smallest power of two ≥ m). The client divides column c by a declared scale (so values stay
/// small enough for CKKS: |x/scale| ≤ 1 is safe) and multiplies the decrypted moments back.
/// </summary>
public sealed record CohortLayout
{
    /// <summary>A layout for m columns and a slot count.</summary>
    public CohortLayout(int columns, int slotCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        Columns = columns;
        SlotCount = slotCount;
        Width = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)columns);
        RotationSteps.CheckWidth(Width, slotCount, nameof(columns));
    }

    /// <summary>m: columns per record.</summary>
    public int Columns { get; }

    /// <summary>Slots per ciphertext.</summary>
    public int SlotCount { get; }

    /// <summary>w: slots per record.</summary>
    public int Width { get; }

    /// <summary>Records per ciphertext: slots / w.</summary>
    public int RecordsPerCiphertext => SlotCount / Width;

    /// <summary>
    /// Rotation steps: 1 … m−1 (the column offsets of the cross products, one hoisted decomposition per ciphertext) and
    /// w, 2w, …, slots/2 (summing the records when finishing).
    /// </summary>
    public IReadOnlyList<int> RequiredSteps =>
        RotationSteps.Union(SlotCount, Enumerable.Range(1, Columns - 1), CrossBlockSum.RequiredSteps(SlotCount, Width));

    /// <summary>Offsets of the finished moments within the first block: column c at slot c.</summary>
    public IReadOnlyList<int> OutputOffsets => [.. Enumerable.Range(0, Columns)];

    /// <summary>
    /// The plan's input for this layout: column c of record r at slot r·w + c, divided by <paramref name="scales"/>[c]
    /// and not centred (the moments need the raw values), within the declared bounds when given.
    /// </summary>
    public PlanInput PlanInput(IReadOnlyList<string> columns, IReadOnlyList<double> scales, IReadOnlyList<double>? lower, IReadOnlyList<double>? upper)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(scales);
        return new PlanInput([.. columns], null, [.. scales], lower is null ? null : [.. lower], upper is null ? null : [.. upper], RecordsPerCiphertext, Width, OutputOffsets, 0, 1);
    }
}

/// <summary>
/// Encrypted first and second moments of a cohort: <see cref="Sums"/> (slot r·w + c holds column c of record r, summed
/// over the ciphertexts added in) and, for each offset k = 0 … m−1, <see cref="Products"/>[k] whose slot r·w + c holds
/// x_c·x_(c+k) (meaningful for c + k &lt; m). Aggregates of shards add up in any order and any tree (addition is
/// associative and commutative); records are summed across slots only once, by <see cref="CohortStatistics.Finish"/>.
/// </summary>
public sealed class EncryptedAggregate
{
    internal EncryptedAggregate(CohortLayout layout, Ciphertext sums, Ciphertext[] products)
    {
        Layout = layout;
        Sums = sums;
        Products = products;
    }

    /// <summary>
    /// An aggregate rebuilt from its ciphertexts (e.g. a job's checkpoint): the sums and the m products, as
    /// <see cref="Sums"/> and <see cref="Products"/> held them. The ciphertexts are taken over, not copied.
    /// </summary>
    public static EncryptedAggregate FromParts(CohortLayout layout, Ciphertext sums, IReadOnlyList<Ciphertext> products)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(products);
        if (products.Count != layout.Columns)
        {
            throw new ArgumentException($"An aggregate of {layout.Columns} columns has {layout.Columns} products, not {products.Count}.", nameof(products));
        }

        return new EncryptedAggregate(layout, sums, [.. products]);
    }

    /// <summary>The layout of the records aggregated.</summary>
    public CohortLayout Layout { get; }

    /// <summary>Column sums, still one partial sum per record slot block.</summary>
    public Ciphertext Sums { get; }

    /// <summary>Products of columns c and c + k, still per record slot block.</summary>
    public IReadOnlyList<Ciphertext> Products { get; }

    /// <summary>The aggregate of both cohorts (a new object; neither operand changes).</summary>
    public EncryptedAggregate Add(EvaluationContext context, EncryptedAggregate other)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(other);
        if (other.Layout != Layout)
        {
            throw new ArgumentException("Aggregates of different layouts cannot be added.", nameof(other));
        }

        var sums = CiphertextOps.Add(context, Sums, other.Sums);
        var products = new Ciphertext[Products.Count];
        for (var k = 0; k < products.Length; k++)
        {
            products[k] = CiphertextOps.Add(context, Products[k], other.Products[k]);
        }

        return new EncryptedAggregate(Layout, sums, products);
    }
}

/// <summary>
/// Cohort statistics over encrypted records: <see cref="Accumulate"/> turns one ciphertext of records into an
/// <see cref="EncryptedAggregate"/> (one level: m − 1 hoisted rotations and m ciphertext products), aggregates add up
/// over shards, and <see cref="Finish"/> sums over the records and masks everything but the first block (one level),
/// giving m + 1 ciphertexts from which the client computes count, sums, means, variances, standard deviations,
/// covariance and correlation matrices, histograms and group sums/means/counts (<see cref="CohortMoments"/>). Divisions
/// and square roots happen after decryption, where precision is best.
/// </summary>
public static class CohortStatistics
{
    /// <summary>The moments of the records in one ciphertext packed as <see cref="CohortLayout.PlanInput"/> says.</summary>
    public static EncryptedAggregate Accumulate(EvaluationContext context, CohortLayout layout, Ciphertext records)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(layout);
        CiphertextOps.CheckInput(context, records, 2, nameof(records));
        var steps = Enumerable.Range(1, layout.Columns - 1).ToArray();
        var rotated = steps.Length == 0 ? [] : context.RotateHoisted(records, steps);
        var products = new Ciphertext[layout.Columns];
        products[0] = ElementwiseProduct.Square(context, records);
        for (var k = 1; k < layout.Columns; k++)
        {
            products[k] = ElementwiseProduct.Multiply(context, records, rotated[k - 1]);
        }

        return new EncryptedAggregate(layout, new Ciphertext(records), products);
    }

    /// <summary>Sums over the records; returns [sums, products 0 … m−1], each with only slots 0 … m−1 non-zero.</summary>
    public static IReadOnlyList<Ciphertext> Finish(EvaluationContext context, EncryptedAggregate aggregate)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(aggregate);
        var layout = aggregate.Layout;
        var result = new List<Ciphertext>
        {
            SlotMask.KeepRange(context, CrossBlockSum.Apply(context, aggregate.Sums, layout.Width), 0, layout.Columns),
        };
        for (var k = 0; k < layout.Columns; k++)
        {
            var total = CrossBlockSum.Apply(context, aggregate.Products[k], layout.Width);
            result.Add(SlotMask.KeepRange(context, total, 0, layout.Columns - k));
        }

        return result;
    }
}
