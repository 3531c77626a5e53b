using HeCompute.Client.Prediction;
using HeCompute.Contracts;

namespace HeCompute.Client.Tests;

public sealed class PredictionResultTests
{
    [Fact]
    public void LogitBecomesSigmoidProbabilityAndClass()
    {
        var result = PredictionResult.Interpret(new PlanOutput(["lesion"], [0], "logit", 0, 1), [2.0]);
        Assert.Equal(1, result.ClassIndex);
        Assert.Equal("lesion", result.ClassName);
        Assert.Equal(1 / (1 + Math.Exp(-2.0)), result.Probability!.Value, 15);

        var negative = PredictionResult.Interpret(new PlanOutput(["lesion"], [0], "logit", 0, 1), [-3.0]);
        Assert.Equal(0, negative.ClassIndex);
        Assert.Equal("not lesion", negative.ClassName);
        Assert.Equal(1 - (1 / (1 + Math.Exp(3.0))), negative.Probability!.Value, 15);
    }

    [Fact]
    public void LogitsBecomeSoftmaxAndMarginsTakeTheirSign()
    {
        var result = PredictionResult.Interpret(new PlanOutput(["a", "b", "c"], [0, 1, 2], "logits", 0, 1), [1.0, 3.0, 2.0]);
        var denominator = Math.Exp(1) + Math.Exp(3) + Math.Exp(2);
        Assert.Equal(1, result.ClassIndex);
        Assert.Equal("b", result.ClassName);
        Assert.Equal(Math.Exp(3) / denominator, result.Probability!.Value, 15);
        Assert.Equal(Math.Exp(1) / denominator, result.Probabilities![0], 15);

        // No overflow for large logits.
        Assert.Equal(1.0, PredictionResult.Softmax([1000, 0])[0], 15);

        Assert.Equal(0, PredictionResult.Interpret(new PlanOutput(["x"], [0], "margin", 0, 1), [-0.1]).ClassIndex);
        Assert.Equal(4.5, PredictionResult.Interpret(new PlanOutput(["y"], [0], "value", 0, 1), [4.5]).Value);
        Assert.Throws<ArgumentException>(() => PredictionResult.Interpret(new PlanOutput(["y"], [0], "moments", 0, 1), [1.0]));
        Assert.Throws<ArgumentException>(() => PredictionResult.Interpret(new PlanOutput(["y", "z"], [0, 1], "logit", 0, 1), [1.0, 2.0]));
    }
}
