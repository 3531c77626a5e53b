namespace HeCompute.Client.Prediction;

/// <summary>The values of <see cref="HeCompute.Contracts.PlanOutput.Meaning"/>.</summary>
public static class OutputMeanings
{
    /// <summary>A regression value.</summary>
    public const string Value = "value";

    /// <summary>One binary logit: probability = σ(logit).</summary>
    public const string Logit = "logit";

    /// <summary>A probability (σ already applied by a polynomial).</summary>
    public const string Probability = "probability";

    /// <summary>One logit per class: softmax on the client.</summary>
    public const string Logits = "logits";

    /// <summary>An SVM margin: the sign decides.</summary>
    public const string Margin = "margin";

    /// <summary>Statistics moments.</summary>
    public const string Moments = "moments";
}
