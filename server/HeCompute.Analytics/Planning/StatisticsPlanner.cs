using HeCompute.Analytics.Privacy;
using HeCompute.Analytics.Statistics;
using HeCompute.Contracts;

namespace HeCompute.Analytics.Planning;

/// <summary>
/// Chooses CKKS parameters and keys for a cohort's statistics: the layout of the columns (features, count,
/// categories), the per-column scales from the declared bounds, and the smallest ring, fewest primes and smallest
/// scale for the circuit: accumulate and finish (2 levels), group sums of squares when there are categories
/// (<see cref="GroupStatistics.Depth"/>), encrypted finishing when asked (<see cref="EncryptedFinishing.Depth"/>).
/// </summary>
/// <remarks>
/// Noise (scaled units, F = fresh and R = rescale bounds of <see cref="CkksNoise"/> over Δ, m columns): one record's
/// moments carry at most a = 3F + (m + 4)R (products and group products of fresh values in [−1, 1], the hoisted
/// rotations' key switches and the masks); summing n records adds independent errors, so a sum has at most √n·a plus
/// b = (log2 slots + 2)R for the cross-block rotations and the final mask; divided by n ≥ 1 that is at most a + b. The
/// encrypted finishing divides by n and n − 1 (worst at n = 2), squares the scaled mean, normalises by the smallest
/// variance bound and takes the square root, whose error is measured (<see cref="PolynomialNoise"/>).
/// </remarks>
public static class StatisticsPlanner
{
    /// <summary>Plans a cohort's statistics.</summary>
    /// <exception cref="ArgumentException">Invalid bounds, names, record count or precision, or no parameters fit.</exception>
    public static StatisticsPlan Plan(StatisticsPlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var features = request.Features.Count;
        var columns = new List<string>(request.Features) { "count" };
        columns.AddRange(request.Categories);
        var scales = new double[columns.Count];
        Array.Fill(scales, 1.0);
        for (var c = 0; c < features; c++)
        {
            scales[c] = Math.Max(Math.Abs(request.Lower[c]), Math.Abs(request.Upper[c]));
        }

        var finishing = request.EncryptedFinish ? EncryptedFinishing.ForBounds(request.Lower, request.Upper, scales) : null;
        var groups = request.Categories.Count > 0;
        for (var n = ModelPlanner.MinPolyModulusDegree; n <= ModelPlanner.MaxPolyModulusDegree; n *= 2)
        {
            if (System.Numerics.BitOperations.RoundUpToPowerOf2((uint)columns.Count) > n / 2)
            {
                continue;
            }

            var layout = new CohortLayout(columns.Count, n / 2);
            var requirements = new CircuitRequirements(
                context => Math.Max(groups ? GroupStatistics.Depth : 2, finishing?.Depth(context) ?? 0),
                context => Noise(context, columns.Count, finishing),
                request.MaxRecords,
                request.PrecisionBits,
                request.NoiseFlooding ? FloodingBits(request.MaxRecords) : 0);
            ParameterChoice? choice;
            try
            {
                choice = ParameterSearch.TryRing(n, requirements);
            }
            catch (PlanningLimitException e)
            {
                throw new ArgumentException(e.Message, nameof(request), e);
            }

            if (choice is not null)
            {
                return Build(request, layout, columns, scales, finishing, choice);
            }
        }

        throw new ArgumentException($"These statistics do not fit N = {ModelPlanner.MaxPolyModulusDegree} at 128-bit security with {request.PrecisionBits} bits of precision.", nameof(request));
    }

    /// <summary>
    /// Scale bits flooding needs: a sum over up to MaxRecords records carries up to √MaxRecords times the per-record
    /// bound, so σ = 2^30·√MaxRecords·B, and 7σ must stay below the target.
    /// </summary>
    private static int FloodingBits(int maxRecords) => NoiseFlooding.ExtraScaleBits + (int)Math.Ceiling(Math.Log2(maxRecords) / 2);

    private static void Validate(StatisticsPlanRequest request)
    {
        if (request.Features is not { Count: > 0 } || request.Lower is null || request.Upper is null || request.Categories is null)
        {
            throw new ArgumentException("A statistics plan needs at least one feature, its bounds and a (possibly empty) category list.", nameof(request));
        }

        if (request.Lower.Count != request.Features.Count || request.Upper.Count != request.Features.Count)
        {
            throw new ArgumentException($"{request.Features.Count} features need as many lower and upper bounds ({request.Lower.Count} and {request.Upper.Count} given).", nameof(request));
        }

        for (var c = 0; c < request.Features.Count; c++)
        {
            if (!double.IsFinite(request.Lower[c]) || !double.IsFinite(request.Upper[c]) || !(request.Lower[c] < request.Upper[c]))
            {
                throw new ArgumentException($"Feature '{request.Features[c]}' needs finite bounds lower < upper, not [{request.Lower[c]}, {request.Upper[c]}].", nameof(request));
            }
        }

        var names = request.Features.Concat(request.Categories).Append("count").ToList();
        if (names.Any(string.IsNullOrWhiteSpace) || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException("Feature and category names must be non-empty and distinct (and not 'count').", nameof(request));
        }

        if (request.MaxRecords < 2)
        {
            throw new ArgumentException($"MaxRecords must be at least 2, not {request.MaxRecords}.", nameof(request));
        }

        PlanDocuments.CheckPrecision(request.PrecisionBits, message => new ArgumentException(message, nameof(request)));
    }

    /// <summary>The bound described in the remarks, for a context deep enough for the circuit.</summary>
    private static double Noise(EvaluationContext context, int columns, EncryptedFinishing? finishing)
    {
        var n = context.SlotCount * 2;
        var fresh = CkksNoise.FreshNoise(n) / context.DefaultScale;
        var rescale = CkksNoise.RescaleNoise(n) / context.DefaultScale;
        var perRecord = (3 * fresh) + ((columns + 4) * rescale);
        var fixedTerms = (Math.Log2(context.SlotCount) + 2) * rescale;
        var moments = perRecord + fixedTerms;
        if (finishing is null)
        {
            return moments;
        }

        // n = 2 is the worst case for 1/(n − 1) and √n/n.
        var mean = (moments / Math.Sqrt(2)) + rescale;
        var scaledMean = moments + rescale;
        var variance = (Math.Sqrt(2) * moments) + (2 * Math.Sqrt(2) * scaledMean) + (scaledMean * scaledMean) + (3 * rescale);
        var normalised = variance / finishing.VarianceBounds.Min();
        var deviation = (PolynomialNoise.Measure(context, finishing.Sqrt.Series, normalised) * Math.Sqrt(finishing.VarianceBounds.Max())) + rescale;
        return Math.Max(Math.Max(moments, mean), Math.Max(variance, deviation));
    }

    private static StatisticsPlan Build(StatisticsPlanRequest request, CohortLayout layout, List<string> columns, double[] scales, EncryptedFinishing? finishing, ParameterChoice choice)
    {
        var countColumn = request.Features.Count;
        var lower = new double[columns.Count];
        var upper = new double[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            (lower[c], upper[c]) = c < countColumn ? (request.Lower[c], request.Upper[c]) : c == countColumn ? (1.0, 1.0) : (0.0, 1.0);
        }

        var flooding = request.NoiseFlooding ? NoiseFlooding.StandardDeviationFor(choice.NoiseBound * Math.Sqrt(request.MaxRecords)) : 0;
        var approximation = finishing?.ApproximationError ?? 0;
        var steps = layout.RequiredSteps;
        var outputLevel = choice.DataLevels - choice.Depth;
        var document = new PlanDocument
        {
            Subject = "statistics",
            Parameters = PlanDocuments.Parameters(choice),
            Keys = PlanDocuments.Keys(choice, relinearization: true, steps),
            Input = layout.PlanInput(columns, scales, lower, upper),
            Output = new PlanOutput([.. columns], [.. layout.OutputOffsets], "moments", outputLevel, choice.Scale),
            Precision = new PlanPrecision(choice.Depth, outputLevel, request.PrecisionBits, choice.NoiseBound + approximation + NoiseFlooding.BoundFor(flooding), approximation),
                        // Contributors append records encrypted with the dataset's public key: those ciphertexts cannot be seeded.
            Sizes = PlanDocuments.Sizes(choice, relinearization: true, steps.Count, seededInput: false),
        };
        return new StatisticsPlan(document, choice.Parameters, choice.Scale, layout, columns, scales, countColumn, finishing, choice.NoiseBound, flooding);
    }
}
