using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>
/// A plaintext matrix ready to multiply encrypted vectors: y = M·x (+ bias) by the diagonal method with baby-step
/// giant-step (Halevi–Shoup 2014/2018).
/// </summary>
/// <remarks>
/// <para>
/// With u_k the generalized diagonals (see <see cref="MatrixVectorLayout"/>) and rot_r the left rotation by r,
/// M·x = Σ_k u_k ⊙ rot_k(x) = Σ_i rot_(i·g)( Σ_j rot_(−i·g)(u_(i·g+j)) ⊙ rot_j(x) ): the g baby rotations rot_j(x) are
/// computed once, sharing one key-switching decomposition (hoisting); the diagonals are stored pre-rotated by −i·g,
/// so only the ⌈d/g⌉ − 1 partial sums need a giant rotation. All-zero diagonals are skipped, and with them any baby
/// or giant step no remaining diagonal uses.
/// </para>
/// <para>
/// <b>Keys.</b> The <see cref="RotationSchedule"/> trades key switches for keys: babies in groups reached one from the
/// next (keys 1 … h−1 and h instead of 1 … g−1) and giants combined Horner-style with the one key g instead of one key
/// per giant step (<see cref="RequiredSteps"/>, <see cref="Work"/>).
/// </para>
/// <para>
/// Levels and scale: one level. The diagonals are encoded at outputScale·q_ℓ/s_x, so the rescaled result has exactly
/// the requested scale (the input's by default). The giant rotations act before the rescale, where their key-switching
/// noise is divided by q_ℓ. Encoded diagonals are kept in the context's <see cref="EvaluationContext.Plaintexts"/>, per
/// parameter set, level and plaintext scale: they depend on no key, so every key set of one parameter set shares them.
/// </para>
/// </remarks>
public sealed class DiagonalMatrix
{
    private readonly SortedDictionary<int, double[]> _diagonals = [];
    private readonly bool _wrapCopy;

    /// <summary>Extracts and pre-rotates the diagonals of <paramref name="matrix"/> (rows × columns as the layout says).</summary>
    /// <param name="matrix">The matrix.</param>
    /// <param name="layout">Its layout.</param>
    /// <param name="schedule">How the rotations are reached (<see cref="RotationSchedule.Hoisted"/> if null).</param>
    public DiagonalMatrix(double[,] matrix, MatrixVectorLayout layout, RotationSchedule? schedule = null)
        : this(layout, DenseEntries(matrix, layout), schedule)
    {
    }

    /// <summary>Extracts and pre-rotates the diagonals of a sparse matrix (rows × columns as the layout says).</summary>
    /// <param name="matrix">The matrix.</param>
    /// <param name="layout">Its layout.</param>
    /// <param name="schedule">How the rotations are reached (<see cref="RotationSchedule.Hoisted"/> if null).</param>
    public DiagonalMatrix(SparseMatrix matrix, MatrixVectorLayout layout, RotationSchedule? schedule = null)
        : this(layout, SparseEntries(matrix, layout), schedule)
    {
    }

    private DiagonalMatrix(MatrixVectorLayout layout, IEnumerable<(int Row, int Column, double Value)> entries, RotationSchedule? schedule)
    {
        Layout = layout;
        Schedule = schedule ?? RotationSchedule.Hoisted;
        Schedule.Validate();
        var d = layout.Dimension;
        var slots = layout.SlotCount;
        var g = layout.BabySteps;
        var wraps = false;
        foreach (var (row, column, value) in entries)
        {
            if (value == 0)
            {
                continue;
            }

            // u_k[row] = M[row][(row + k) mod d]: the entry sits on diagonal k = (column − row) mod d.
            var k = (column - row + d) % d;
            if (!_diagonals.TryGetValue(k, out var diagonal))
            {
                diagonal = new double[d];
                _diagonals[k] = diagonal;
            }

            diagonal[row] = value;
            wraps |= row + k >= d;
        }

        BabyStepsUsed = [.. _diagonals.Keys.Select(k => k % g).Distinct().Order()];
        GiantStepsUsed = [.. _diagonals.Keys.Select(k => k / g).Distinct().Order()];
        // A group as wide as the baby steps is one group hoisted from the input.
        _group = Schedule.BabyGroup == 0 || Schedule.BabyGroup >= g ? g : Schedule.BabyGroup;
        var babies = BabyStepsUsed.Select(j => j % _group).Where(j => j != 0);
        if (BabyStepsUsed.Length > 0 && BabyStepsUsed[^1] >= _group)
        {
            babies = babies.Append(_group);
        }

        var maxGiant = GiantStepsUsed.Length == 0 ? 0 : GiantStepsUsed[^1];
        var giants = Schedule.SharedGiantKey
            ? (maxGiant > 0 ? [g] : [])
            : GiantStepsUsed.Where(i => i != 0).Select(i => i * g);
        var steps = babies.Concat(giants);
        // The compact packing reads x[(i + k) mod d] as slot i + k, which holds it only after the copy to [d, 2d);
        // entries that never wrap (i + k < d) need no copy, so neither does, say, a single-row matrix.
        _wrapCopy = layout.NeedsWrapCopy && wraps;
        if (_wrapCopy)
        {
            steps = steps.Append(-d);
        }

        RequiredSteps = RotationSteps.Canonical(steps, slots);
        Work = CountWork(maxGiant);
    }

    /// <summary>How this product reaches its rotations.</summary>
    public RotationSchedule Schedule { get; }

    /// <summary>The key switches and plaintext products one <see cref="Multiply"/> runs.</summary>
    public RotationWork Work { get; }

    /// <summary>The layout this matrix was built for.</summary>
    public MatrixVectorLayout Layout { get; }

    /// <summary>Number of diagonals that are not all zero (each costs one plaintext product).</summary>
    public int NonZeroDiagonals => _diagonals.Count;

    /// <summary>
    /// Bytes of the diagonals this matrix holds: d values per non-zero diagonal. Their slot layout (tiled over every
    /// block and pre-rotated, one value per slot) exists only while a level's plaintexts are encoded.
    /// </summary>
    public long ResidentBytes => (long)_diagonals.Count * Layout.Dimension * sizeof(double);

    /// <summary>
    /// The rotation steps <see cref="Multiply"/> uses, exactly: the baby steps j &gt; 0 and giant steps i·g &gt; 0 some
    /// non-zero diagonal needs, and −d for the compact packing when some non-zero entry wraps around (row + k ≥ d;
    /// never when d = slots or the matrix has a single row).
    /// </summary>
    public IReadOnlyList<int> RequiredSteps { get; }

    /// <summary>Number of key-switching operations: the baby rotations (hoisted ones counted once each), the giant rotations and the wrap copy.</summary>
    public int RotationCount => Work.FullKeySwitches + Work.HoistedRotations;

    private int[] BabyStepsUsed { get; }

    private int[] GiantStepsUsed { get; }

    private readonly int _group;

    /// <summary>The steps a product with this matrix uses (same as the instance property <see cref="RequiredSteps"/>).</summary>
    public static IReadOnlyList<int> RequiredStepsFor(double[,] matrix, MatrixVectorLayout layout) => new DiagonalMatrix(matrix, layout).RequiredSteps;

    /// <summary>
    /// The steps a product with a dense matrix of this layout uses (every diagonal non-zero): 1 … g−1, g, 2g, …,
    /// (⌈d/g⌉−1)·g, and −d for the compact packing unless d = slots or there is a single row. A sparse matrix may
    /// use fewer (see <see cref="RequiredStepsFor"/>).
    /// </summary>
    public static IReadOnlyList<int> RequiredStepsDense(MatrixVectorLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var g = layout.BabySteps;
        var steps = Enumerable.Range(1, g - 1).Concat(Enumerable.Range(1, layout.GiantSteps - 1).Select(i => i * g));
        if (layout.NeedsWrapCopy && layout.Rows > 1)
        {
            steps = steps.Append(-layout.Dimension);
        }

        return RotationSteps.Canonical(steps, layout.SlotCount);
    }

    /// <summary>The shape <see cref="Multiply"/> produces: one level down, at <paramref name="outputScale"/> (default the input's).</summary>
    public static CiphertextShape Simulate(CiphertextShape input, double? outputScale = null) => ElementwiseProduct.SimulateWithPlain(input, outputScale);

    /// <summary>
    /// y = M·x + bias for an encrypted x packed as <see cref="MatrixVectorLayout.Packing"/> says. The bias (at most
    /// <see cref="MatrixVectorLayout.Rows"/> values, optional) is added before the rescale at full precision.
    /// </summary>
    /// <param name="context">Evaluation context with Galois keys for <see cref="RequiredSteps"/>.</param>
    /// <param name="vector">The encrypted input vector (size 2, level ≥ 1).</param>
    /// <param name="bias">Optional bias, in output order (added to every vector of a replicated or blocked packing).</param>
    /// <param name="outputScale">Scale of the result; the input's scale if null.</param>
    public Ciphertext Multiply(EvaluationContext context, Ciphertext vector, ReadOnlySpan<double> bias = default, double? outputScale = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.SlotCount != Layout.SlotCount)
        {
            throw new ArgumentException($"The layout is for {Layout.SlotCount} slots; the context has {context.SlotCount}.", nameof(context));
        }

        var level = CiphertextOps.CheckInput(context, vector, 1, nameof(vector));
        if (bias.Length > Layout.Rows)
        {
            throw new ArgumentException($"The bias has {bias.Length} values; the matrix has {Layout.Rows} rows.", nameof(bias));
        }

        if (_diagonals.Count == 0)
        {
            throw new InvalidOperationException("The matrix is zero: its product is known without computing (and would be a transparent ciphertext).");
        }

        var target = outputScale ?? vector.Scale;
        var plainScale = CiphertextOps.PlainScaleFor(context, level, vector.Scale, target);
        var plains = Encoded(context, level, plainScale);
        var input = vector;
        if (_wrapCopy)
        {
            input = context.Rotate(vector, -Layout.Dimension);
            context.Evaluator.AddInplace(input, vector);
        }

        var babies = BabyRotations(context, input);
        Ciphertext? result = null;
        var product = new Ciphertext();
        var g = Layout.BabySteps;
        for (var index = GiantStepsUsed.Length - 1; index >= 0; index--)
        {
            var giant = GiantStepsUsed[index];
            var partial = PartialSum(context, babies, plains, giant, product);
            if (Schedule.SharedGiantKey)
            {
                // Horner: every step down from the previous giant used is one rotation by g (empty giants included).
                var gap = index + 1 < GiantStepsUsed.Length ? GiantStepsUsed[index + 1] - giant : 0;
                for (var r = 0; r < gap && result is not null; r++)
                {
                    result = context.Rotate(result, g);
                }
            }
            else if (partial is not null && giant != 0)
            {
                partial = context.Rotate(partial, giant * g);
            }

            if (partial is null)
            {
                continue;
            }

            if (result is null)
            {
                result = partial;
            }
            else
            {
                context.Evaluator.AddInplace(result, partial);
            }
        }

        if (Schedule.SharedGiantKey && result is not null && GiantStepsUsed.Length > 0)
        {
            for (var r = 0; r < GiantStepsUsed[0]; r++)
            {
                result = context.Rotate(result, g);
            }
        }

        if (result is null)
        {
            throw new InvalidOperationException("No diagonal was applied.");
        }

        if (bias.ContainsAnyExcept(0.0))
        {
            var biasSlots = new double[context.SlotCount];
            var period = Layout.Packing == VectorPacking.Replicated ? Layout.Dimension : Layout.BlockStride;
            for (var start = 0; start < context.SlotCount; start += period)
            {
                bias.CopyTo(biasSlots.AsSpan(start, bias.Length));
            }

            context.Evaluator.AddPlainInplace(result, context.EncodeVector(biasSlots, level, result.Scale));
        }

        context.Evaluator.RescaleToNextInplace(result);
        CiphertextOps.Snap(result, target);
        return result;
    }

    /// <summary>Σ_j u_(i·g+j) ⊙ rot_j(x) for giant step i, or null when none of its diagonals is non-zero.</summary>
    private Ciphertext? PartialSum(EvaluationContext context, Ciphertext[] babies, EncodedPlaintexts plains, int giant, Ciphertext product)
    {
        Ciphertext? partial = null;
        for (var b = 0; b < BabyStepsUsed.Length; b++)
        {
            var plain = plains[(giant * Layout.BabySteps) + BabyStepsUsed[b]];
            if (plain is null)
            {
                continue;
            }

            if (partial is null)
            {
                partial = new Ciphertext();
                context.Evaluator.MultiplyPlain(babies[b], plain, partial);
            }
            else
            {
                context.Evaluator.MultiplyPlain(babies[b], plain, product);
                context.Evaluator.AddInplace(partial, product);
            }
        }

        return partial;
    }

    /// <summary>rot_j(x) for every baby step j used, in the order of <see cref="BabyStepsUsed"/>, as the schedule reaches them.</summary>
    private Ciphertext[] BabyRotations(EvaluationContext context, Ciphertext input)
    {
        var babies = new Ciphertext[BabyStepsUsed.Length];
        var baseCiphertext = input;
        var groupIndex = 0;
        var b = 0;
        while (b < BabyStepsUsed.Length)
        {
            var group = BabyStepsUsed[b] / _group;
            for (; groupIndex < group; groupIndex++)
            {
                baseCiphertext = context.Rotate(baseCiphertext, _group);
            }

            var end = b;
            while (end < BabyStepsUsed.Length && BabyStepsUsed[end] / _group == group)
            {
                end++;
            }

            var offsets = new List<int>(end - b);
            for (var i = b; i < end; i++)
            {
                offsets.Add(BabyStepsUsed[i] - (group * _group));
            }

            // Offset 0 is the base itself; the others share one hoisted decomposition of the base.
            var first = offsets[0] == 0 ? 1 : 0;
            if (first == 1)
            {
                babies[b] = baseCiphertext;
            }

            if (offsets.Count > first)
            {
                var rotated = context.RotateHoisted(baseCiphertext, offsets.GetRange(first, offsets.Count - first));
                rotated.CopyTo(babies, b + first);
            }

            b = end;
        }

        return babies;
    }

    private RotationWork CountWork(int maxGiant)
    {
        var (full, decompositions, hoisted, chain) = (_wrapCopy ? 1 : 0, 0, 0, 0);
        var lastGroup = -1;
        foreach (var j in BabyStepsUsed)
        {
            var group = j / _group;
            if (group != lastGroup && j % _group != 0)
            {
                decompositions++;
            }

            if (j % _group != 0)
            {
                hoisted++;
            }

            lastGroup = group;
            chain = Math.Max(chain, group + (j % _group != 0 ? 1 : 0));
        }

        full += BabyStepsUsed.Length == 0 ? 0 : BabyStepsUsed[^1] / _group;
        full += Schedule.SharedGiantKey ? maxGiant : GiantStepsUsed.Count(i => i != 0);
        var stage = full + hoisted;
        return new RotationWork(full, decompositions, hoisted, _diagonals.Count, Math.Max(chain, 1), stage);
    }

    /// <summary>Encodes the diagonals for a level and plaintext scale ahead of time (otherwise the first product does it).</summary>
    public void Prepare(EvaluationContext context, int level, double inputScale, double? outputScale = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        Encoded(context, level, CiphertextOps.PlainScaleFor(context, level, inputScale, outputScale ?? inputScale));
    }

    private static IEnumerable<(int Row, int Column, double Value)> DenseEntries(double[,] matrix, MatrixVectorLayout layout)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(layout);
        if (matrix.GetLength(0) != layout.Rows || matrix.GetLength(1) != layout.Columns)
        {
            throw new ArgumentException($"The matrix is {matrix.GetLength(0)} × {matrix.GetLength(1)}; the layout says {layout.Rows} × {layout.Columns}.", nameof(matrix));
        }

        var entries = new List<(int, int, double)>();
        for (var row = 0; row < layout.Rows; row++)
        {
            for (var column = 0; column < layout.Columns; column++)
            {
                var value = matrix[row, column];
                if (!double.IsFinite(value))
                {
                    throw new ArgumentException($"Matrix entry ({row}, {column}) is not finite.", nameof(matrix));
                }

                entries.Add((row, column, value));
            }
        }

        return entries;
    }

    private static IEnumerable<(int Row, int Column, double Value)> SparseEntries(SparseMatrix matrix, MatrixVectorLayout layout)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(layout);
        if (matrix.Rows != layout.Rows || matrix.Columns != layout.Columns)
        {
            throw new ArgumentException($"The matrix is {matrix.Rows} × {matrix.Columns}; the layout says {layout.Rows} × {layout.Columns}.", nameof(matrix));
        }

        var entries = new List<(int, int, double)>(matrix.NonZeros);
        for (var row = 0; row < matrix.Rows; row++)
        {
            foreach (var (column, value) in matrix.Row(row))
            {
                entries.Add((row, column, value));
            }
        }

        return entries;
    }

    /// <summary>The diagonals encoded at a level and plaintext scale, diagonal k at index k (null where it is zero).</summary>
    private EncodedPlaintexts Encoded(EvaluationContext context, int level, double plainScale) =>
        context.Plaintexts.GetOrAdd(new EncodedPlaintextKey(this, context.Parameters.KeyParmsId, level, plainScale), key =>
        {
            var table = new Plaintext?[Layout.GiantSteps * Layout.BabySteps];
            var slots = new double[Layout.SlotCount];
            foreach (var (k, diagonal) in _diagonals)
            {
                SlotLayout(k, diagonal, slots);
                table[k] = context.EncodeVector(slots, key.Level, key.Scale);
            }

            return new EncodedPlaintexts(table);
        });

    /// <summary>u_k laid out over all slots (every block, or every period), pre-rotated right by its giant step i·g.</summary>
    private void SlotLayout(int k, double[] diagonal, double[] slots)
    {
        var (d, count, g) = (Layout.Dimension, Layout.SlotCount, Layout.BabySteps);
        var giant = k / g * g;
        var replicated = Layout.Packing == VectorPacking.Replicated;
        var extent = replicated ? count : d;
        Array.Clear(slots);
        for (var start = 0; start < count; start += replicated ? count : Layout.BlockStride)
        {
            for (var s = 0; s < extent; s++)
            {
                slots[(start + s + giant) % count] = diagonal[s % d];
            }
        }
    }
}
