namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>
/// An immutable plaintext matrix stored by rows of (column, value) entries, for the linear layers whose dense form
/// would be mostly zeros (convolutions, pooling) and for folding consecutive linear layers into one product.
/// </summary>
public sealed class SparseMatrix
{
    private readonly (int Column, double Value)[][] _rows;

    /// <summary>Creates a matrix from its rows; entries of a row must have distinct columns inside [0, columns).</summary>
    public SparseMatrix(int columns, IReadOnlyList<IReadOnlyList<(int Column, double Value)>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows.Count, 1);
        Columns = columns;
        _rows = new (int, double)[rows.Count][];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i].Where(e => e.Value != 0).OrderBy(e => e.Column).ToArray();
            for (var e = 0; e < row.Length; e++)
            {
                if (row[e].Column < 0 || row[e].Column >= columns || (e > 0 && row[e].Column == row[e - 1].Column) || !double.IsFinite(row[e].Value))
                {
                    throw new ArgumentException($"Row {i} has an entry outside [0, {columns}), a repeated column or a value that is not finite.", nameof(rows));
                }
            }

            _rows[i] = row;
        }
    }

    /// <summary>Number of rows (length of the output).</summary>
    public int Rows => _rows.Length;

    /// <summary>Number of columns (length of the input).</summary>
    public int Columns { get; }

    /// <summary>Number of non-zero entries.</summary>
    public int NonZeros => _rows.Sum(r => r.Length);

    /// <summary>The non-zero entries of row <paramref name="row"/>, by increasing column.</summary>
    public ReadOnlySpan<(int Column, double Value)> Row(int row) => _rows[row];

    /// <summary>A dense matrix as sparse (zeros dropped).</summary>
    public static SparseMatrix FromDense(IReadOnlyList<IReadOnlyList<double>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = rows.Count == 0 ? 0 : rows[0].Count;
        return new SparseMatrix(columns, [.. rows.Select(row => (IReadOnlyList<(int, double)>)[.. row.Select((v, j) => (j, v))])]);
    }

    /// <summary>The product this·<paramref name="right"/>: the linear map that applies <paramref name="right"/> first.</summary>
    public SparseMatrix Times(SparseMatrix right)
    {
        ArgumentNullException.ThrowIfNull(right);
        if (right.Rows != Columns)
        {
            throw new ArgumentException($"A {Rows} × {Columns} matrix cannot multiply a {right.Rows} × {right.Columns} one.", nameof(right));
        }

        var rows = new IReadOnlyList<(int, double)>[Rows];
        var sums = new Dictionary<int, double>();
        for (var i = 0; i < Rows; i++)
        {
            sums.Clear();
            foreach (var (k, a) in _rows[i])
            {
                foreach (var (j, b) in right._rows[k])
                {
                    sums[j] = sums.GetValueOrDefault(j) + (a * b);
                }
            }

            rows[i] = [.. sums.Select(p => (p.Key, p.Value))];
        }

        return new SparseMatrix(right.Columns, rows);
    }

    /// <summary>M·x in double precision.</summary>
    public double[] Apply(ReadOnlySpan<double> x)
    {
        if (x.Length != Columns)
        {
            throw new ArgumentException($"The vector has {x.Length} values; the matrix has {Columns} columns.", nameof(x));
        }

        var y = new double[Rows];
        for (var i = 0; i < Rows; i++)
        {
            var sum = 0.0;
            foreach (var (j, v) in _rows[i])
            {
                sum += v * x[j];
            }

            y[i] = sum;
        }

        return y;
    }

    /// <summary>The largest absolute row sum (the ∞-norm: how much the matrix can amplify an error).</summary>
    public double MaxAbsRowSum()
    {
        var result = 0.0;
        foreach (var row in _rows)
        {
            var sum = 0.0;
            foreach (var (_, v) in row)
            {
                sum += Math.Abs(v);
            }

            result = Math.Max(result, sum);
        }

        return result;
    }
}
