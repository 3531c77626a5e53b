namespace HeCompute.Analytics;

/// <summary>Helpers for lists of rotation steps (what a client turns into Galois keys).</summary>
public static class RotationSteps
{
    /// <summary>
    /// The canonical form of a rotation step for <paramref name="slotCount"/> slots: the equivalent step in
    /// (−slots/2, slots/2], or 0 for the identity. Steps k and k ± slots are the same automorphism (the same key).
    /// </summary>
    public static int Normalize(int step, int slotCount)
    {
        if (slotCount <= 0 || (slotCount & (slotCount - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slotCount), slotCount, "The slot count is a power of two.");
        }

        var reduced = ((step % slotCount) + slotCount) % slotCount;
        return reduced > slotCount / 2 ? reduced - slotCount : reduced;
    }

    /// <summary>Normalizes, drops zeros and duplicates, and sorts (by value): the form every <c>RequiredSteps</c> returns.</summary>
    public static IReadOnlyList<int> Canonical(IEnumerable<int> steps, int slotCount)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var set = new SortedSet<int>();
        foreach (var step in steps)
        {
            var normalized = Normalize(step, slotCount);
            if (normalized != 0)
            {
                set.Add(normalized);
            }
        }

        return [.. set];
    }

    /// <summary>The union of several step lists, in canonical form.</summary>
    public static IReadOnlyList<int> Union(int slotCount, params IEnumerable<int>[] lists)
    {
        ArgumentNullException.ThrowIfNull(lists);
        return Canonical(lists.SelectMany(list => list), slotCount);
    }

    /// <summary>Checks that a width is a power of two dividing the slot count.</summary>
    internal static void CheckWidth(int width, int slotCount, string name)
    {
        if (width <= 0 || (width & (width - 1)) != 0 || width > slotCount)
        {
            throw new ArgumentOutOfRangeException(name, width, $"The width must be a power of two from 1 to the slot count {slotCount}.");
        }
    }
}
