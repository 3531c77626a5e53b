using HeCompute.Analytics.LinearAlgebra;
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
        options.CheckKeys();
        var bounds = ModelBounds.Of(document, options.WidenIntervals);
        document = bounds.Document;
        var fastest = PlanLayout(document, options, bounds, RotationSchedule.Hoisted);
        var layouts = new List<Layout> { fastest };
        foreach (var schedule in RotationSchedule.Candidates(MaxBabySteps(fastest.Model)))
        {
            if (schedule == RotationSchedule.Hoisted)
            {
                continue;
            }

            Layout layout;
            try
            {
                layout = PlanLayout(document, options, bounds, schedule);
            }
            catch (ModelPlanningException)
            {
                // A long chain of key switches can need more scale bits than any ring offers; the other layouts remain.
                continue;
            }

            if (!layouts.Any(l => l.Model.RequiredSteps.SequenceEqual(layout.Model.RequiredSteps) && l.Choice.PolyModulusDegree == layout.Choice.PolyModulusDegree && l.Model.Work == layout.Model.Work))
            {
                layouts.Add(layout);
            }
        }

        var chosen = Choose(layouts, options);
        var alternatives = layouts.OrderBy(l => l.EstimatedLatencyMs).ThenBy(l => l.GaloisKeysBytes).Select(l => l.Alternative).ToList();
        var keyChoice = layouts.Count > 1 || fastest.Model.RequiredSteps.Count > 0
            ? new Contracts.PlanKeyChoice(options.KeyPreset, options.KeyBudgetBytes, chosen.Alternative, alternatives)
            : null;
        return Build(document, options, chosen.Model, chosen.Choice, bounds.Widenings, keyChoice);
    }

    /// <summary>
    /// Compiles a document for the slot count and rotation layout of a plan (<see cref="Contracts.PlanDocument.KeyChoice"/>;
    /// <see cref="RotationSchedule.Hoisted"/> for plans without one): the circuit whose steps are the plan's keys.
    /// </summary>
    /// <exception cref="ModelFormatException">Unknown kind, invalid document, or the packing does not fit.</exception>
    public static IEncryptedModel Compile(ModelDocument document, Contracts.PlanDocument plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Compile(document, plan.Parameters.PolyModulusDegree / 2, ScheduleOf(plan));
    }

    /// <summary>The rotation layout a plan was made for.</summary>
    public static RotationSchedule ScheduleOf(Contracts.PlanDocument plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.KeyChoice?.Chosen is { } chosen ? new RotationSchedule(chosen.BabyGroup, chosen.SharedGiantKey) : RotationSchedule.Hoisted;
    }

    /// <summary>The alternative the options ask for: within the budget the fastest, else by preset.</summary>
    private static Layout Choose(List<Layout> layouts, PlanOptions options)
    {
        if (options.KeyBudgetBytes is { } budget)
        {
            var within = layouts.Where(l => l.GaloisKeysBytes <= budget).OrderBy(l => l.EstimatedLatencyMs).ThenBy(l => l.GaloisKeysBytes).FirstOrDefault();
            if (within is null)
            {
                var smallest = layouts.MinBy(l => l.GaloisKeysBytes)!;
                throw new ModelPlanningException($"No rotation layout fits a Galois-key budget of {budget} bytes: the smallest, {smallest.Alternative.Rotations}, needs {smallest.GaloisKeysBytes} bytes ({smallest.Model.RequiredSteps.Count} keys at N = {smallest.Choice.PolyModulusDegree}).");
            }

            return within;
        }

        // "Only the keys the circuit needs" must weigh less than SEAL's default set: the presets choose among the
        // layouts below it whenever one is.
        var belowDefault = layouts.Where(l => l.GaloisKeysBytes < l.DefaultGaloisKeysBytes).ToList();
        var pool = belowDefault.Count > 0 ? belowDefault : layouts;
        var fastest = pool.OrderBy(l => l.EstimatedLatencyMs).ThenBy(l => l.GaloisKeysBytes).First();
        return options.KeyPreset switch
        {
            Contracts.KeyPresets.Fastest => fastest,
            Contracts.KeyPresets.SmallestKeys => pool.OrderBy(l => l.GaloisKeysBytes).ThenBy(l => l.EstimatedLatencyMs).First(),
            _ => pool.Where(l => l.EstimatedLatencyMs <= BalancedLatencyFactor * fastest.EstimatedLatencyMs)
                .OrderBy(l => l.GaloisKeysBytes).ThenBy(l => l.EstimatedLatencyMs).First(),
        };
    }

    /// <summary>The latency the <c>balanced</c> preset accepts, relative to the fastest layout.</summary>
    public const double BalancedLatencyFactor = 1.5;

    private static int MaxBabySteps(IEncryptedModel model) => model switch
    {
        CnnModel cnn => cnn.MaxBabySteps,
        MlpModel mlp => mlp.MaxBabySteps,
        _ => 0,
    };

    /// <summary>The smallest ring and primes for one rotation layout (the search of <see cref="Plan"/>).</summary>
    private static Layout PlanLayout(ModelDocument document, PlanOptions options, ModelBounds bounds, RotationSchedule schedule)
    {
        var compile = CompilerFor(document.Kind);
        ModelFormatException? fit = null;
        Exception? unevaluable = null;
        var compiled = false;
        for (var n = MinPolyModulusDegree; n <= MaxPolyModulusDegree; n *= 2)
        {
            IEncryptedModel model;
            try
            {
                model = compile(document, n / 2, schedule);
            }
            catch (ModelFormatException e)
            {
                fit = e;
                continue;
            }

            compiled = true;

            var work = model.Work;
            var rotations = Math.Max(model.RequiredSteps.Count, work.StageKeySwitches);
            var requirements = new CircuitRequirements(
                model.Depth,
                context => bounds.Noise(context, rotations, work.LongestChain),
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
                return new Layout(schedule, model, choice);
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
    /// <param name="document">The document.</param>
    /// <param name="slotCount">Slots per ciphertext.</param>
    /// <param name="schedule">The rotation layout of the diagonal products (<see cref="RotationSchedule.Hoisted"/> if null; linear kinds have one layout).</param>
    /// <exception cref="ModelFormatException">Unknown kind, invalid document, or the packing does not fit.</exception>
    public static IEncryptedModel Compile(ModelDocument document, int slotCount, RotationSchedule? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        return CompilerFor(document.Kind)(document, slotCount, schedule ?? RotationSchedule.Hoisted);
    }

    /// <summary>The compiler of a model kind: one line per kind.</summary>
    private static Func<ModelDocument, int, RotationSchedule, IEncryptedModel> CompilerFor(string kind) => kind switch
    {
        ModelKinds.LinearRegression or ModelKinds.LogisticRegression or ModelKinds.MultinomialLogistic or ModelKinds.LinearSvm => (d, slots, _) => new LinearModel(d, slots),
        ModelKinds.Mlp => (d, slots, schedule) => new MlpModel(d, slots, schedule),
        ModelKinds.Cnn => (d, slots, schedule) => new CnnModel(d, slots, schedule),
        _ => throw new ModelFormatException($"The planner cannot compile model kind '{kind}'."),
    };

    private static ModelPlan Build(ModelDocument document, PlanOptions options, IEncryptedModel model, ParameterChoice choice, IReadOnlyList<Contracts.PlanWidening> widenings, Contracts.PlanKeyChoice? keyChoice)
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
            KeyChoice = keyChoice,
        };
        return new ModelPlan(plan, document, choice.Parameters, choice.Scale, model, choice.NoiseBound, flooding);
    }

    /// <summary>One rotation layout planned: its compiled model, parameters, keys and estimated latency.</summary>
    private sealed class Layout
    {
        public Layout(RotationSchedule schedule, IEncryptedModel model, ParameterChoice choice)
        {
            Model = model;
            Choice = choice;
            var steps = model.RequiredSteps;
            var allPrimes = choice.PrimeBits.Count;
            GaloisKeysBytes = steps.Count == 0 ? 0 : SealSizes.GaloisKeys(choice.PolyModulusDegree, allPrimes, steps.Count);
            DefaultGaloisKeysBytes = SealSizes.GaloisKeys(choice.PolyModulusDegree, allPrimes, GaloisElements.DefaultKeyCount(choice.PolyModulusDegree));
            EstimatedLatencyMs = LatencyEstimate.Milliseconds(model.Work, choice.PolyModulusDegree, choice.PrimeBits.Count - 1);
            var work = model.Work;
            Alternative = new Contracts.PlanAlternative(
                schedule.Name,
                schedule.BabyGroup,
                schedule.SharedGiantKey,
                choice.PolyModulusDegree,
                [.. steps],
                GaloisKeysBytes,
                work.FullKeySwitches + work.HoistedRotations,
                Math.Round(EstimatedLatencyMs, 1));
        }

        public IEncryptedModel Model { get; }

        public ParameterChoice Choice { get; }

        public long GaloisKeysBytes { get; }

        /// <summary>SEAL's default Galois set at this layout's parameters (what its keys must stay below).</summary>
        public long DefaultGaloisKeysBytes { get; }

        public double EstimatedLatencyMs { get; }

        public Contracts.PlanAlternative Alternative { get; }
    }
}
