using HeCompute.Contracts;

namespace HeCompute.Client.Prediction;

/// <summary>
/// One record's decrypted prediction, interpreted per <see cref="PlanOutput.Meaning"/>: the predicted class (binary
/// models: index 1 is the positive class named by the model's single output), its probability, the logits, and the
/// raw decrypted outputs.
/// </summary>
/// <param name="Outputs">The decrypted outputs as they came out of the slots.</param>
/// <param name="Meaning">What they are (<see cref="OutputMeanings"/>).</param>
/// <param name="ClassIndex">Predicted class (binary: 1 = positive), null for regression.</param>
/// <param name="ClassName">Its name (binary negative: <c>not &lt;name&gt;</c>), null for regression.</param>
/// <param name="Probability">Probability of the predicted class, null for regression and margins.</param>
/// <param name="Probabilities">Per class (binary: [negative, positive]), null for regression and margins.</param>
/// <param name="Logits">Logits (binary: the one logit; multiclass: one per class), null when the model outputs probabilities or values.</param>
/// <param name="Value">Regression value or SVM margin, null otherwise.</param>
public sealed record PredictionResult(
    IReadOnlyList<double> Outputs,
    string Meaning,
    int? ClassIndex,
    string? ClassName,
    double? Probability,
    IReadOnlyList<double>? Probabilities,
    IReadOnlyList<double>? Logits,
    double? Value)
{
    /// <summary>Interprets decrypted <paramref name="outputs"/> as <paramref name="output"/> describes them.</summary>
    /// <exception cref="ArgumentException">The number of outputs does not fit the meaning, or the meaning is unknown.</exception>
    public static PredictionResult Interpret(PlanOutput output, IReadOnlyList<double> outputs)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(outputs);
        var names = output.Names;
        switch (output.Meaning)
        {
            case OutputMeanings.Value:
                return new PredictionResult(outputs, output.Meaning, null, null, null, null, null, Single(outputs, output.Meaning));
            case OutputMeanings.Logit:
            {
                var logit = Single(outputs, output.Meaning);
                return Binary(outputs, output.Meaning, names, Sigmoid(logit), [logit], null);
            }

            case OutputMeanings.Probability:
                return Binary(outputs, output.Meaning, names, Math.Clamp(Single(outputs, output.Meaning), 0, 1), null, null);
            case OutputMeanings.Margin:
            {
                var margin = Single(outputs, output.Meaning);
                var positive = margin >= 0 ? 1 : 0;
                return new PredictionResult(outputs, output.Meaning, positive, BinaryName(names, positive), null, null, null, margin);
            }

            case OutputMeanings.Logits:
            {
                if (outputs.Count < 2)
                {
                    throw new ArgumentException($"Meaning 'logits' needs at least two outputs, not {outputs.Count}.", nameof(outputs));
                }

                var probabilities = Softmax(outputs);
                var best = 0;
                for (var c = 1; c < probabilities.Length; c++)
                {
                    if (probabilities[c] > probabilities[best])
                    {
                        best = c;
                    }
                }

                var name = best < names.Count ? names[best] : $"class {best}";
                return new PredictionResult(outputs, output.Meaning, best, name, probabilities[best], probabilities, outputs, null);
            }

            default:
                throw new ArgumentException($"Output meaning '{output.Meaning}' is not a prediction (expected value, logit, probability, logits or margin).", nameof(output));
        }
    }

    /// <summary>σ(x) = 1 / (1 + e^−x), computed without overflow for large |x|.</summary>
    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>Softmax, shifted by the largest logit so no exponential overflows.</summary>
    public static double[] Softmax(IReadOnlyList<double> logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var max = double.NegativeInfinity;
        for (var i = 0; i < logits.Count; i++)
        {
            max = Math.Max(max, logits[i]);
        }

        var result = new double[logits.Count];
        var sum = 0.0;
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Math.Exp(logits[i] - max);
            sum += result[i];
        }

        for (var i = 0; i < result.Length; i++)
        {
            result[i] /= sum;
        }

        return result;
    }

    private static PredictionResult Binary(IReadOnlyList<double> outputs, string meaning, IReadOnlyList<string> names, double positiveProbability, double[]? logits, double? value)
    {
        var positive = positiveProbability >= 0.5 ? 1 : 0;
        var probability = positive == 1 ? positiveProbability : 1 - positiveProbability;
        return new PredictionResult(outputs, meaning, positive, BinaryName(names, positive), probability, [1 - positiveProbability, positiveProbability], logits, value);
    }

    private static string BinaryName(IReadOnlyList<string> names, int positive)
    {
        var name = names.Count > 0 ? names[0] : "positive";
        return positive == 1 ? name : "not " + name;
    }

    private static double Single(IReadOnlyList<double> outputs, string meaning) =>
        outputs.Count == 1 ? outputs[0] : throw new ArgumentException($"Meaning '{meaning}' needs exactly one output, not {outputs.Count}.", nameof(outputs));
}
