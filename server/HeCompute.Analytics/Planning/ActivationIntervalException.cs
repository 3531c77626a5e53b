using System.Globalization;

namespace HeCompute.Analytics.Planning;

/// <summary>
/// An activation whose declared interval is narrower than the inputs the planner propagates from the declared input
/// bounds: its polynomial would be evaluated where it does not approximate the function, and no error bound would
/// hold. Plan with <see cref="PlanOptions.WidenIntervals"/> to widen it instead.
/// </summary>
public sealed class ActivationIntervalException : Exception
{
    /// <summary>Creates the refusal for one layer.</summary>
    public ActivationIntervalException(int layer, string function, double declaredLower, double declaredUpper, double propagatedLower, double propagatedUpper)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"Layer {layer} ({function}): its inputs reach [{propagatedLower:G6}, {propagatedUpper:G6}] (propagated from the declared input bounds), outside the declared interval [{declaredLower:G6}, {declaredUpper:G6}] where its polynomial approximates the function. Declare an interval containing [{propagatedLower:G6}, {propagatedUpper:G6}], tighter input bounds, or register with widen_intervals: true."))
    {
        Layer = layer;
        Function = function;
        DeclaredLower = declaredLower;
        DeclaredUpper = declaredUpper;
        PropagatedLower = propagatedLower;
        PropagatedUpper = propagatedUpper;
    }

    /// <summary>Creates the refusal with a message only.</summary>
    public ActivationIntervalException()
        : this("An activation's declared interval is narrower than its propagated inputs.")
    {
    }

    /// <summary>Creates the refusal with a message only.</summary>
    public ActivationIntervalException(string message)
        : base(message)
    {
        Function = "";
    }

    /// <summary>Creates the refusal with a message and cause.</summary>
    public ActivationIntervalException(string message, Exception innerException)
        : base(message, innerException)
    {
        Function = "";
    }

    /// <summary>Index of the layer in the model document.</summary>
    public int Layer { get; }

    /// <summary>The activation function.</summary>
    public string Function { get; }

    /// <summary>Declared lower end.</summary>
    public double DeclaredLower { get; }

    /// <summary>Declared upper end.</summary>
    public double DeclaredUpper { get; }

    /// <summary>Lowest input the planner propagates to the layer.</summary>
    public double PropagatedLower { get; }

    /// <summary>Highest input the planner propagates to the layer.</summary>
    public double PropagatedUpper { get; }
}
