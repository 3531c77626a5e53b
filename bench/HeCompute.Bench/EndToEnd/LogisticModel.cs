using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeCompute.Bench.EndToEnd;

/// <summary>
/// A logistic regression on standardised features, trained by Newton's method (iteratively reweighted least squares)
/// with a small L2 penalty, and its <c>hecompute-model</c> document: the plaintext oracle the encrypted logits are
/// checked against.
/// </summary>
public sealed class LogisticModel
{
    private const double L2 = 1e-2;
    private const int Iterations = 50;

    private LogisticModel(double[] mean, double[] scale, double[] weights, double bias, double[] lower, double[] upper)
    {
        Mean = mean;
        Scale = scale;
        Weights = weights;
        Bias = bias;
        Lower = lower;
        Upper = upper;
    }

    /// <summary>Training means of the features.</summary>
    public double[] Mean { get; }

    /// <summary>Training standard deviations of the features.</summary>
    public double[] Scale { get; }

    /// <summary>Weights on the standardised features.</summary>
    public double[] Weights { get; }

    /// <summary>Bias.</summary>
    public double Bias { get; }

    /// <summary>Declared lower bounds (training minimum, widened by a tenth of the range).</summary>
    public double[] Lower { get; }

    /// <summary>Declared upper bounds.</summary>
    public double[] Upper { get; }

    /// <summary>Fits the model to records with 0/1 labels.</summary>
    public static LogisticModel Train(double[][] x, int[] y)
    {
        var n = x.Length;
        var d = x[0].Length;
        var mean = new double[d];
        var scale = new double[d];
        var lower = new double[d];
        var upper = new double[d];
        for (var j = 0; j < d; j++)
        {
            var column = x.Select(r => r[j]).ToArray();
            mean[j] = column.Average();
            scale[j] = Math.Sqrt(column.Sum(v => (v - mean[j]) * (v - mean[j])) / n);
            var (min, max) = (column.Min(), column.Max());
            lower[j] = min - ((max - min) / 10);
            upper[j] = max + ((max - min) / 10);
        }

        // Design matrix with a leading 1 for the bias; the bias is not penalised.
        var z = x.Select(r => (double[])[1, .. r.Select((v, j) => (v - mean[j]) / scale[j])]).ToArray();
        var beta = new double[d + 1];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var gradient = new double[d + 1];
            var hessian = new double[d + 1, d + 1];
            for (var i = 0; i < n; i++)
            {
                var p = Sigmoid(Dot(beta, z[i]));
                var w = p * (1 - p);
                for (var a = 0; a <= d; a++)
                {
                    gradient[a] += (p - y[i]) * z[i][a];
                    for (var b = 0; b <= d; b++)
                    {
                        hessian[a, b] += w * z[i][a] * z[i][b];
                    }
                }
            }

            for (var a = 1; a <= d; a++)
            {
                gradient[a] += L2 * beta[a];
                hessian[a, a] += L2;
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

        return new LogisticModel(mean, scale, beta[1..], beta[0], lower, upper);
    }

    /// <summary>The logit of a raw record.</summary>
    public double Logit(IReadOnlyList<double> x)
    {
        var z = Bias;
        for (var j = 0; j < Weights.Length; j++)
        {
            z += Weights[j] * (x[j] - Mean[j]) / Scale[j];
        }

        return z;
    }

    /// <summary>A record moved into the declared bounds (the client refuses values outside them).</summary>
    public double[] Clamp(IReadOnlyList<double> x) => [.. x.Select((v, j) => Math.Clamp(v, Lower[j], Upper[j]))];

    /// <summary>Fraction of records whose logit has the label's sign.</summary>
    public double Accuracy(double[][] x, int[] y) => (double)x.Select((r, i) => (Logit(r) >= 0 ? 1 : 0) == y[i]).Count(ok => ok) / x.Length;

    /// <summary>The model as a <c>hecompute-model</c> document (one dense layer, the logit as output).</summary>
    public JsonElement ToDocument(IReadOnlyList<string> features) => JsonSerializer.SerializeToElement(new JsonObject
    {
        ["format"] = "hecompute-model",
        ["formatVersion"] = 1,
        ["kind"] = "logistic-regression",
        ["input"] = new JsonObject
        {
            ["features"] = new JsonArray([.. features.Select(f => (JsonNode)f)]),
            ["mean"] = Array(Mean),
            ["scale"] = Array(Scale),
            ["lower"] = Array(Lower),
            ["upper"] = Array(Upper),
        },
        ["layers"] = new JsonArray(new JsonObject
        {
            ["type"] = "dense",
            ["weights"] = new JsonArray(Array(Weights)),
            ["bias"] = new JsonArray(Bias),
        }),
        ["outputs"] = new JsonArray("benign"),
    });

    private static JsonArray Array(double[] values) => new([.. values.Select(v => (JsonNode)v)]);

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

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
