using HeCompute.Analytics.Models;
using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Contracts;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Planning;

/// <summary>The plan of a model's encrypted inference: the document clients read, and what the server evaluates with.</summary>
public sealed class ModelPlan
{
    internal ModelPlan(PlanDocument document, ModelDocument model, Parameters parameters, double scale, IEncryptedModel compiled, double circuitNoiseBound, double floodingStandardDeviation)
    {
        Document = document;
        ModelDocument = model;
        Parameters = parameters;
        Scale = scale;
        Model = compiled;
        CircuitNoiseBound = circuitNoiseBound;
        FloodingStandardDeviation = floodingStandardDeviation;
    }

    /// <summary>The plan clients read (subject <c>model</c>).</summary>
    public PlanDocument Document { get; }

    /// <summary>
    /// The model document as planned: the one given, or with the activation intervals listed in
    /// <see cref="PlanDocument.WidenedIntervals"/> widened. Store and recompile this one.
    /// </summary>
    public ModelDocument ModelDocument { get; }

    /// <summary>The encryption parameters.</summary>
    public Parameters Parameters { get; }

    /// <summary>Δ: the scale inputs are encoded at and outputs come back at.</summary>
    public double Scale { get; }

    /// <summary>The model compiled for the plan's slot count.</summary>
    public IEncryptedModel Model { get; }

    /// <summary>Bound on the CKKS noise of an output before any flooding, in output units.</summary>
    public double CircuitNoiseBound { get; }

    /// <summary>
    /// Standard deviation (output units) of the flooding error to add with <see cref="Privacy.NoiseFlooding.Apply"/>
    /// before returning a result, or 0 when the plan was made without noise flooding.
    /// </summary>
    public double FloodingStandardDeviation { get; }
}
