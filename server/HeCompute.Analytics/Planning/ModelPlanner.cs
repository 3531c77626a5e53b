using HeCompute.Analytics.Models;
using HeCompute.Analytics.Privacy;
using HeCompute.Lattice.Rlwe;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Planning;

/// <summary>
/// Chooses CKKS parameters and keys for a model: the smallest ring degree N whose 128-bit bound on the modulus fits the
/// fewest primes the circuit needs, the smallest scale meeting the precision target, and exactly the Galois keys the
/// circuit uses.
/// </summary>
/// <remarks>
/// For N = 1024, 2048, …, 32768 the model is compiled for N/2 slots (skipped when its packing does not fit), and
/// <see cref="ParameterSearch"/> sizes depth + 1 data primes and a special prime: the smallest scale whose output
/// error bound (<see cref="ModelBounds.Noise"/>, from <see cref="CkksNoise"/>) stays below 2^−target, or
/// 2^−(target + flooding bits) with noise flooding; the first prime adds the integer bits of the outputs' magnitude;
/// the special prime equals the first. The depth comes from the model on a context with the candidate primes (it can
/// depend on them).
/// </remarks>
public static class ModelPlanner
{
    /// <summary>Largest ring degree the planner considers (SEAL's largest with a 128-bit bound).</summary>
    public const int MaxPolyModulusDegree = 32768;

    /// <summary>Smallest ring degree the planner considers.</summary>
    public const int MinPolyModulusDegree = 1024;

    /// <summary>Plans a validated model document.</summary>
    /// <exception cref="ModelFormatException">The document or the precision target is invalid, or its packing fits no slot count.</exception>
    /// <exception cref="ModelPlanningException">
    /// No parameters fit the valid document: it is too deep for N = 32768 at 128-bit security, the precision target
    /// needs primes above 60 bits, or its circuit cannot be evaluated at any candidate scale.
    /// </exception>
    /// <exception cref="ActivationIntervalException">
    /// An activation's declared interval does not contain the inputs propagated to it from the declared input bounds,
    /// and <see cref="PlanOptions.WidenIntervals"/> is false.
    /// </exception>
    public static ModelPlan Plan(ModelDocument document, PlanOptions options)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(options);
        document.Validate();
        PlanDocuments.CheckPrecision(options.PrecisionBits, message => new ModelFormatException(message));
        var compile = CompilerFor(document.Kind);
        var bounds = ModelBounds.Of(document, options.WidenIntervals);
        document = bounds.Document;
        ModelFormatException? fit = null;
        Exception? unevaluable = null;
        var compiled = false;
        for (var n = MinPolyModulusDegree; n <= MaxPolyModulusDegree; n *= 2)
        {
            IEncryptedModel model;
            try
            {
                model = compile(document, n / 2);
            }
            catch (ModelFormatException e)
            {
                fit = e;
                continue;
            }

            compiled = true;

            var rotations = model.RequiredSteps.Count;
            var requirements = new CircuitRequirements(
                model.Depth,
                context => bounds.Noise(context, rotations),
                bounds.OutputMagnitude,
                options.PrecisionBits,
                options.NoiseFlooding ? NoiseFlooding.ExtraScaleBits : 0);
            ParameterChoice? choice;
            try
            {
                choice = ParameterSearch.TryRing(n, requirements);
            }
            catch (PlanningLimitException e)
            {
                throw new ModelPlanningException(e.Message, e);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                // The circuit's scale bookkeeping (simulated on this ring's candidate primes) fails here; a larger
                // ring has larger primes and may not.
                unevaluable = e;
                continue;
            }

            if (choice is not null)
            {
                return Build(document, options, model, choice, bounds.Widenings);
            }
        }

        if (!compiled && fit is not null)
        {
            throw new ModelFormatException($"The model fits no slot count up to {MaxPolyModulusDegree / 2}: {fit.Message}", fit);
        }

        throw unevaluable is not null
            ? new ModelPlanningException($"The model's circuit cannot be evaluated with any parameters up to N = {MaxPolyModulusDegree}: {unevaluable.Message}", unevaluable)
            : new ModelPlanningException($"The model is too deep for N = {MaxPolyModulusDegree} at 128-bit security (at most {CoeffModulus.MaxBitCount(MaxPolyModulusDegree)} modulus bits) with {options.PrecisionBits} bits of precision.");
    }

    /// <summary>
    /// Compiles a document for a slot count: <see cref="LinearModel"/> for the linear kinds, <see cref="MlpModel"/> for
    /// <c>mlp</c>.
    /// </summary>
    /// <exception cref="ModelFormatException">Unknown kind, invalid document, or the packing does not fit.</exception>
    public static IEncryptedModel Compile(ModelDocument document, int slotCount)
    {
        ArgumentNullException.ThrowIfNull(document);
        return CompilerFor(document.Kind)(document, slotCount);
    }

    /// <summary>The compiler of a model kind: one line per kind.</summary>
    private static Func<ModelDocument, int, IEncryptedModel> CompilerFor(string kind) => kind switch
    {
        ModelKinds.LinearRegression or ModelKinds.LogisticRegression or ModelKinds.MultinomialLogistic or ModelKinds.LinearSvm => (d, slots) => new LinearModel(d, slots),
        ModelKinds.Mlp => (d, slots) => new MlpModel(d, slots),
        ModelKinds.Cnn => (d, slots) => new CnnModel(d, slots),
        _ => throw new ModelFormatException($"The planner cannot compile model kind '{kind}'."),
    };

    private static ModelPlan Build(ModelDocument document, PlanOptions options, IEncryptedModel model, ParameterChoice choice, IReadOnlyList<Contracts.PlanWidening> widenings)
    {
        var names = document.Outputs ?? [.. Enumerable.Range(0, model.Outputs).Select(c => $"output{c}")];
        var flooding = options.NoiseFlooding ? NoiseFlooding.StandardDeviationFor(choice.NoiseBound) : 0;
        var expected = model.ApproximationError + choice.NoiseBound + NoiseFlooding.BoundFor(flooding);
        var plan = new Contracts.PlanDocument
        {
            Subject = "model",
            ModelKind = document.Kind,
            Parameters = PlanDocuments.Parameters(choice),
            Keys = PlanDocuments.Keys(choice, model.UsesRelinearization, model.RequiredSteps),
            Input = model.PlanInput(),
            Output = new Contracts.PlanOutput([.. names], [.. model.OutputOffsets], model.OutputMeaning, choice.DataLevels - choice.Depth, choice.Scale),
            Precision = new Contracts.PlanPrecision(choice.Depth, choice.DataLevels - choice.Depth, options.PrecisionBits, expected, model.ApproximationError),
            Sizes = PlanDocuments.Sizes(choice, model.UsesRelinearization, model.RequiredSteps.Count, seededInput: true),
            WidenedIntervals = widenings.Count > 0 ? [.. widenings] : null,
        };
        return new ModelPlan(plan, document, choice.Parameters, choice.Scale, model, choice.NoiseBound, flooding);
    }
}
