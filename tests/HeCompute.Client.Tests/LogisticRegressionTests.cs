using HeCompute.Protocol.Models;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Tests;

/// <summary>The shared plain logistic trainer: it reaches the penalised optimum, and its document says what its logits compute.</summary>
public sealed class LogisticRegressionTests
{
    private static (double[][] X, bool[] Y) Data(int n, int seed)
    {
        var random = new Random(seed);
        var x = new double[n][];
        var y = new bool[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = random.NextDouble() < 0.5;
            var shift = y[i] ? 0.7 : 0;
            x[i] = [100 + (20 * (shift + random.NextDouble())), 0.1 * (shift + random.NextDouble()), 5 * random.NextDouble()];
        }

        return (x, y);
    }

    [Theory]
    [InlineData(0.05, 40)]
    [InlineData(1e-4, 200)]
    public void The_fit_is_the_optimum_of_the_penalised_mean_log_loss(double l2, int n)
    {
        var (x, y) = Data(n, 3);
        var model = LogisticRegression.Fit(["a", "b", "c"], x, y, l2);

        // At the optimum the gradient vanishes: mean((p − y)·z) + λ·w = 0 per weight, mean(p − y) = 0 for the bias.
        var gradient = new double[4];
        for (var i = 0; i < n; i++)
        {
            var error = LogisticRegression.Sigmoid(model.Logit(x[i])) - (y[i] ? 1 : 0);
            var z = PlanPacker.Standardize(x[i], model.Mean, model.Scale);
            gradient[0] += error / n;
            for (var j = 0; j < 3; j++)
            {
                gradient[j + 1] += error * z[j] / n;
            }
        }

        for (var j = 0; j < 3; j++)
        {
            gradient[j + 1] += l2 * model.Weights[j];
        }

        Assert.All(gradient, g => Assert.True(Math.Abs(g) < 1e-9, $"gradient {g}"));
        Assert.True(model.Accuracy(x, y) > 0.8, $"accuracy {model.Accuracy(x, y)}");
    }

    [Fact]
    public void The_document_declares_the_standardisation_and_bounds_the_logit_uses()
    {
        var (x, y) = Data(30, 5);
        var model = LogisticRegression.Fit(["a", "b", "c"], x, y, boundsMargin: 0.5);
        var document = ModelDocument.Parse(model.ToDocument("positive").ToJson());

        Assert.Equal((ModelKinds.LogisticRegression, "positive"), (document.Kind, Assert.Single(document.Outputs!)));
        var dense = Assert.Single(document.Layers);
        for (var i = 0; i < x.Length; i++)
        {
            var standardized = document.Input.Standardize(x[i]);
            var logit = dense.Bias![0] + dense.Weights![0].Select((w, j) => w * standardized[j]).Sum();
            Assert.Equal(model.Logit(x[i]), logit, 12);
        }

        for (var j = 0; j < 3; j++)
        {
            var (min, max) = (x.Min(r => r[j]), x.Max(r => r[j]));
            Assert.Equal(min - (0.5 * (max - min)), document.Input.Lower![j], 12);
            Assert.Equal(max + (0.5 * (max - min)), document.Input.Upper![j], 12);
        }

        Assert.Equal([model.Lower[0], 0.1, model.Upper[2]], model.Clamp([-1e9, 0.1, 1e9]));
    }

    [Fact]
    public void Records_that_do_not_match_their_labels_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(["a"], [[1.0], [2.0]], [true]));
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(["a", "b"], [[1.0]], [true]));
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(["a"], [], []));
    }
}
