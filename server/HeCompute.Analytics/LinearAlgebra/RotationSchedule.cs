using System.Numerics;

namespace HeCompute.Analytics.LinearAlgebra;

/// <summary>
/// How a <see cref="DiagonalMatrix"/> product reaches its rotations, which decides the Galois keys it needs: every
/// baby step hoisted from the input (one key per step, the fastest), or baby steps in groups reached one from the
/// next, and giant steps combined Horner-style with a single key.
/// </summary>
/// <param name="BabyGroup">
/// 0: every baby rotation j = 1 … g−1 is hoisted from the input (keys for every baby step used). A power of two h &lt; g:
/// group b's base rot_(b·h)(x) comes from the previous base by one rotation by h, and the group's other baby steps are
/// hoisted from its base by 1 … h−1: keys 1 … h−1 and h, at the price of one full key switch per group and a longer
/// chain of key switches on the later babies. h = 1 is the sequential chain rot_1(rot_1(…)): one key.
/// </param>
/// <param name="SharedGiantKey">
/// false: each giant partial sum is rotated by its own step i·g (one key each). true: they are combined as
/// P₀ + rot_g(P₁ + rot_g(P₂ + …)), the same number of rotations with the single key g.
/// </param>
public sealed record RotationSchedule(int BabyGroup, bool SharedGiantKey)
{
    /// <summary>Every baby step hoisted from the input, each giant step its own key: fewest key switches, most keys.</summary>
    public static RotationSchedule Hoisted { get; } = new(0, false);

    /// <summary>A short name for plans and reports: <c>hoisted</c>, <c>hoisted+shared-giant</c>, <c>group-4+shared-giant</c>, …</summary>
    public string Name => (BabyGroup == 0 ? "hoisted" : $"group-{BabyGroup}") + (SharedGiantKey ? "+shared-giant" : string.Empty);

    /// <summary>Checks the group is 0 or a power of two.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is neither.</exception>
    public void Validate()
    {
        if (BabyGroup < 0 || (BabyGroup > 0 && !BitOperations.IsPow2(BabyGroup)))
        {
            throw new ArgumentOutOfRangeException(nameof(BabyGroup), BabyGroup, "The baby-step group is 0 (every step hoisted from the input) or a power of two.");
        }
    }

    /// <summary>The schedules a planner compares: hoisted, and groups of 1, 2, 4, … below the largest baby count, each with and without the shared giant key.</summary>
    public static IReadOnlyList<RotationSchedule> Candidates(int maxBabySteps)
    {
        var list = new List<RotationSchedule> { Hoisted, new(0, true) };
        for (var h = 1; h < maxBabySteps; h *= 2)
        {
            list.Add(new RotationSchedule(h, true));
            list.Add(new RotationSchedule(h, false));
        }

        return list;
    }
}

/// <summary>
/// The work of a circuit's rotations and plaintext products, counted per kind (what a latency estimate weighs), and
/// the longest chain of key switches a value goes through in one linear stage (what the noise bound weighs).
/// </summary>
/// <param name="FullKeySwitches">Rotations that decompose their input themselves.</param>
/// <param name="Decompositions">Shared decompositions of hoisted groups.</param>
/// <param name="HoistedRotations">Rotations reusing a shared decomposition.</param>
/// <param name="PlainProducts">Ciphertext × plaintext products.</param>
/// <param name="LongestChain">Largest number of key switches applied one after the other to a baby rotation of one stage (1 when all are hoisted from the input).</param>
/// <param name="StageKeySwitches">Largest number of key switches of one linear stage.</param>
public readonly record struct RotationWork(int FullKeySwitches, int Decompositions, int HoistedRotations, int PlainProducts, int LongestChain, int StageKeySwitches)
{
    /// <summary>The work of two parts run one after the other (chains and stage counts: the larger).</summary>
    public static RotationWork operator +(RotationWork a, RotationWork b) => new(
        a.FullKeySwitches + b.FullKeySwitches,
        a.Decompositions + b.Decompositions,
        a.HoistedRotations + b.HoistedRotations,
        a.PlainProducts + b.PlainProducts,
        Math.Max(a.LongestChain, b.LongestChain),
        Math.Max(a.StageKeySwitches, b.StageKeySwitches));

    /// <summary>The sum of several parts.</summary>
    public static RotationWork Sum(IEnumerable<RotationWork> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var total = default(RotationWork);
        foreach (var part in parts)
        {
            total += part;
        }

        return total;
    }

    /// <summary>Same as <see cref="op_Addition"/>.</summary>
    public static RotationWork Add(RotationWork left, RotationWork right) => left + right;
}
