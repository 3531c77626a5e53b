using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeCompute.Cli;

/// <summary>
/// A logistic regression fitted in plain double precision (batch gradient descent with a little L2, on standardised
/// features), and its HeCompute model document. The plaintext model is the reference the demo compares the
/// encrypted results with.
/// </summary>
internal sealed class PlainLogisticModel
{
    private PlainLogisticModel(string[] features, double[] mean, double[] scale, double[] weights, double bias, double[] lower, double[] upper)
    {
        Features = features;
        Mean = mean;
        Scale = scale;
        Weights = weights;
        Bias = bias;
        Lower = lower;
        Upper = upper;
    }

    public string[] Features { get; }

    public double[] Mean { get; }

    public double[] Scale { get; }

    public double[] Weights { get; }

    public double Bias { get; }

    public double[] Lower { get; }

    public double[] Upper { get; }

    public static PlainLogisticModel Fit(string[] features, IReadOnlyList<double[]> x, IReadOnlyList<bool> y)
    {
        var d = features.Length;
        var n = x.Count;
        var mean = new double[d];
        var scale = new double[d];
        var lower = new double[d];
        var upper = new double[d];
        for (var j = 0; j < d; j++)
        {
            var column = x.Select(r => r[j]).ToArray();
            mean[j] = column.Average();
            scale[j] = Math.Max(Math.Sqrt(column.Select(v => (v - mean[j]) * (v - mean[j])).Average()), 1e-9);

            // Declared bounds with a wide margin: new images may fall outside the training range.
            var range = Math.Max(column.Max() - column.Min(), scale[j]);
            lower[j] = column.Min() - range;
            upper[j] = column.Max() + range;
        }

        var weights = new double[d];
        var bias = 0.0;
        const double LearningRate = 0.5;
        const double L2 = 0.05;
        for (var iteration = 0; iteration < 2000; iteration++)
        {
            var gradient = new double[d];
            var gradientBias = 0.0;
            for (var i = 0; i < n; i++)
            {
                var error = Sigmoid(Logit(x[i], mean, scale, weights, bias)) - (y[i] ? 1 : 0);
                for (var j = 0; j < d; j++)
                {
                    gradient[j] += error * (x[i][j] - mean[j]) / scale[j];
                }

                gradientBias += error;
            }

            for (var j = 0; j < d; j++)
            {
                weights[j] -= LearningRate * ((gradient[j] / n) + (L2 * weights[j]));
            }

            bias -= LearningRate * gradientBias / n;
        }

        return new PlainLogisticModel(features, mean, scale, weights, bias, lower, upper);
    }

    public double Logit(IReadOnlyList<double> features) => Logit(features, Mean, Scale, Weights, Bias);

    public static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    /// <summary>The model in HeCompute's JSON format (<c>hecompute-model</c> version 1).</summary>
    public JsonElement ToDocument()
    {
        var document = new JsonObject
        {
            ["format"] = "hecompute-model",
            ["formatVersion"] = 1,
            ["kind"] = "logistic-regression",
            ["input"] = new JsonObject
            {
                ["features"] = new JsonArray([.. Features.Select(f => (JsonNode)f)]),
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
            ["outputs"] = new JsonArray("lesion"),
        };
        return JsonSerializer.SerializeToElement(document);
    }

    private static JsonArray Array(double[] values) => new([.. values.Select(v => (JsonNode)v)]);

    private static double Logit(IReadOnlyList<double> x, double[] mean, double[] scale, double[] weights, double bias)
    {
        var z = bias;
        for (var j = 0; j < weights.Length; j++)
        {
            z += weights[j] * (x[j] - mean[j]) / scale[j];
        }

        return z;
    }
}
