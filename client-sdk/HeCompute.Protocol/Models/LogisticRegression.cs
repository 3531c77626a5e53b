using HeCompute.Protocol.Packing;

namespace HeCompute.Protocol.Models;

/// <summary>
/// A binary logistic regression fitted in plain double precision on standardised features, and its model document:
/// the plaintext reference the CLI demo and the end-to-end benchmark compare encrypted logits with.
/// </summary>
/// <remarks>
/// Fitting minimises the mean log-loss plus (λ/2)·‖w‖² (the bias is not penalised) by Newton's method (iteratively
/// reweighted least squares): the penalty keeps the problem strictly convex, so a handful of steps reach the optimum
/// even on a few separable records. Features are standardised by their training mean and (population) standard
/// deviation; the declared bounds are the training range widened on both sides by a chosen fraction of it, because
/// new records may fall outside what training saw and the client refuses values outside the bounds.
/// </remarks>
public sealed class LogisticRegression
{
    private const int MaxIterations = 50;

    private LogisticRegression(IReadOnlyList<string> features, double[] mean, double[] scale, double[] weights, double bias, double[] lower, double[] upper)
    {
        Features = features;
        Mean = mean;
        Scale = scale;
        Weights = weights;
        Bias = bias;
        Lower = lower;
        Upper = upper;
    }

    /// <summary>Feature names, in record order.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>Training means of the features.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Training standard deviations of the features (at least 10⁻⁹).</summary>
    public IReadOnlyList<double> Scale { get; }

    /// <summary>Weights on the standardised features.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Bias.</summary>
    public double Bias { get; }

    /// <summary>Declared lower bounds of the raw features.</summary>
    public IReadOnlyList<double> Lower { get; }

    /// <summary>Declared upper bounds of the raw features.</summary>
    public IReadOnlyList<double> Upper { get; }

    /// <summary>Fits the model to raw records <paramref name="x"/> with labels <paramref name="y"/>.</summary>
    /// <param name="features">Feature names (one per record value).</param>
    /// <param name="x">Raw records.</param>
    /// <param name="y">Labels: true is the positive class.</param>
    /// <param name="l2">λ of the penalty on the mean log-loss (the default suits a few records, as in the demo).</param>
    /// <param name="boundsMargin">How far the declared bounds reach past the training range, as a fraction of it (default: the whole range).</param>
    /// <exception cref="ArgumentException">No records, records of the wrong length, or labels not matching the records.</exception>
    public static LogisticRegression Fit(IReadOnlyList<string> features, IReadOnlyList<IReadOnlyList<double>> x, IReadOnlyList<bool> y, double l2 = 0.05, double boundsMargin = 1.0)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentOutOfRangeException.ThrowIfNegative(l2);
        ArgumentOutOfRangeException.ThrowIfNegative(boundsMargin);
        var n = x.Count;
        var d = features.Count;
        if (n == 0 || y.Count != n || x.Any(r => r.Count != d))
        {
            throw new ArgumentException($"Fitting needs at least one record of {d} values and one label per record; got {n} records and {y.Count} labels.", nameof(x));
        }

        var mean = new double[d];
        var scale = new double[d];
        var lower = new double[d];
        var upper = new double[d];
        for (var j = 0; j < d; j++)
        {
            var column = x.Select(r => r[j]).ToArray();
            mean[j] = column.Average();
            scale[j] = Math.Max(Math.Sqrt(column.Select(v => (v - mean[j]) * (v - mean[j])).Average()), 1e-9);
            var (min, max) = (column.Min(), column.Max());
            lower[j] = min - (boundsMargin * (max - min));
            upper[j] = max + (boundsMargin * (max - min));
        }

        // Standardised design matrix with a leading 1 for the bias.
        var z = x.Select(r => (double[])[1, .. PlanPacker.Standardize(r, mean, scale)]).ToArray();
        var beta = new double[d + 1];
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var gradient = new double[d + 1];
            var hessian = new double[d + 1, d + 1];
            for (var i = 0; i < n; i++)
            {
                var p = Sigmoid(Dot(beta, z[i]));
                var w = p * (1 - p);
                var error = p - (y[i] ? 1 : 0);
                for (var a = 0; a <= d; a++)
                {
                    gradient[a] += error * z[i][a] / n;
                    for (var b = 0; b <= d; b++)
                    {
                        hessian[a, b] += w * z[i][a] * z[i][b] / n;
                    }
                }
            }

            for (var a = 1; a <= d; a++)
            {
                gradient[a] += l2 * beta[a];
                hessian[a, a] += l2;
            }

            var step = Solve(hessian, gradient);
            for (var a = 0; a <= d; a++)
            {
                beta[a] -= step[a];
            }

            if (step.Max(Math.Abs) < 1e-10)
            {
                break;
            }
        }

        return new LogisticRegression([.. features], mean, scale, beta[1..], beta[0], lower, upper);
    }

    /// <summary>The logistic function 1 / (1 + e^−z).</summary>
    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>The logit of a raw record.</summary>
    public double Logit(IReadOnlyList<double> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var standardized = PlanPacker.Standardize(record, Mean, Scale);
        var z = Bias;
        for (var j = 0; j < Weights.Count; j++)
        {
            z += Weights[j] * standardized[j];
        }

        return z;
    }

    /// <summary>A record moved into the declared bounds (the client refuses values outside them).</summary>
    public double[] Clamp(IReadOnlyList<double> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return [.. record.Select((v, j) => Math.Clamp(v, Lower[j], Upper[j]))];
    }

    /// <summary>Fraction of records whose logit has the sign of their label.</summary>
    public double Accuracy(IReadOnlyList<IReadOnlyList<double>> x, IReadOnlyList<bool> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return (double)x.Where((r, i) => Logit(r) >= 0 == y[i]).Count() / x.Count;
    }

    /// <summary>The model as a <c>logistic-regression</c> document: one dense layer, whose output (the logit) is named <paramref name="output"/>.</summary>
    public ModelDocument ToDocument(string output) => new()
    {
        Kind = ModelKinds.LogisticRegression,
        Input = new InputSchema { Features = Features, Mean = Mean, Scale = Scale, Lower = Lower, Upper = Upper },
        Layers = [new LayerDocument { Type = LayerTypes.Dense, Weights = [Weights], Bias = [Bias] }],
        Outputs = [output],
    };

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Solves H·s = g by Gaussian elimination with partial pivoting (H is symmetric positive definite here).</summary>
    private static double[] Solve(double[,] h, double[] g)
    {
        var n = g.Length;
        var a = (double[,])h.Clone();
        var b = (double[])g.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < n; row++)
            {
                if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = row;
                }
            }

            for (var k = 0; k < n; k++)
            {
                (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
            }

            (b[col], b[pivot]) = (b[pivot], b[col]);
            for (var row = col + 1; row < n; row++)
            {
                var factor = a[row, col] / a[col, col];
                for (var k = col; k < n; k++)
                {
                    a[row, k] -= factor * a[col, k];
                }

                b[row] -= factor * b[col];
            }
        }

        var s = new double[n];
        for (var row = n - 1; row >= 0; row--)
        {
            var sum = b[row];
            for (var k = row + 1; k < n; k++)
            {
                sum -= a[row, k] * s[k];
            }

            s[row] = sum / a[row, row];
        }

        return s;
    }
}
