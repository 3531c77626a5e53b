namespace HeCompute.Client.Privacy;

/// <summary>
/// Global sensitivities of cohort statistics of a feature declared in [lower, upper] (the feature schema's bounds; the
/// client clamps records to them before encrypting, so the bounds hold for every record).
/// </summary>
/// <remarks>
/// Count: 1 under add/remove; 0 under replacement (n is public). Sum: max(|lower|, |upper|) under add/remove (the
/// added or removed record's value), upper − lower under replacement. Mean and sample variance are given under
/// replacement with n public (a bounded-DP release; under add/remove, release a noisy sum and a noisy count instead):
/// the mean moves by at most (upper − lower)/n, the sample variance (n − 1 in the denominator) by at most
/// (upper − lower)²/n, which is attained (n − 1 records at one end, one record moved from one end to the other).
/// </remarks>
public static class Sensitivity
{
    /// <summary>Sensitivity of the record count.</summary>
    public static double Count(NeighbouringRelation relation) => relation == NeighbouringRelation.AddRemove ? 1 : 0;

    /// <summary>Sensitivity of Σ x.</summary>
    public static double Sum(double lower, double upper, NeighbouringRelation relation)
    {
        CheckBounds(lower, upper);
        return relation == NeighbouringRelation.AddRemove ? Math.Max(Math.Abs(lower), Math.Abs(upper)) : upper - lower;
    }

    /// <summary>Sensitivity of the mean of n records under replacement.</summary>
    public static double Mean(double lower, double upper, long records)
    {
        CheckBounds(lower, upper);
        ArgumentOutOfRangeException.ThrowIfLessThan(records, 1);
        return (upper - lower) / records;
    }

    /// <summary>Sensitivity of the sample variance of n ≥ 2 records under replacement.</summary>
    public static double Variance(double lower, double upper, long records)
    {
        CheckBounds(lower, upper);
        ArgumentOutOfRangeException.ThrowIfLessThan(records, 2);
        return (upper - lower) * (upper - lower) / records;
    }

    private static void CheckBounds(double lower, double upper)
    {
        if (!double.IsFinite(lower) || !double.IsFinite(upper) || !(lower < upper))
        {
            throw new ArgumentException($"Declared bounds must be finite with lower < upper, not [{lower}, {upper}].");
        }
    }
}
