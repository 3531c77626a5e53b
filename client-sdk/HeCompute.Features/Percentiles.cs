namespace HeCompute.Features;

/// <summary>
/// Percentiles of sorted samples by linear interpolation between order statistics — definition 7 of Hyndman and Fan
/// (1996), the default of R's <c>quantile</c> and of numpy's <c>percentile</c> (method "linear"). For the
/// <c>p</c>-th percentile of <c>n</c> sorted values <c>x[0] ≤ … ≤ x[n−1]</c>, let <c>h = (n − 1)·p/100</c>,
/// <c>j = ⌊h⌋</c>; the percentile is <c>x[j] + (h − j)·(x[j+1] − x[j])</c> (just <c>x[j]</c> when <c>h</c> is whole).
/// </summary>
/// <remarks>
/// The IBSI reference manual defines P10 and P90 only as "the 10th/90th percentile" without naming an estimator. This
/// definition reproduces the IBSI digital phantom's consensus values (P10 = 1, P90 = 4, median = 1, IQR = 3); the
/// manual notes that some implementations give P90 = 4.2 there, which is what definition 5 (MATLAB's <c>prctile</c>)
/// gives. <c>h</c> is split into its whole and fractional parts with integer arithmetic, so a percentile that falls
/// exactly on an order statistic is that value exactly (this matters for the robust mean absolute deviation, which
/// keeps the values with <c>P10 ≤ x ≤ P90</c>).
/// </remarks>
internal static class Percentiles
{
    /// <summary>The <paramref name="percent"/>-th percentile (0…100, whole numbers) of ascending <paramref name="sorted"/>.</summary>
    public static double Of(ReadOnlySpan<double> sorted, int percent)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        long scaled = (long)(sorted.Length - 1) * percent;
        int j = (int)(scaled / 100);
        long remainder = scaled % 100;
        if (remainder == 0)
        {
            return sorted[j];
        }

        double lower = sorted[j];
        double upper = sorted[j + 1];
        return lower + (upper - lower) * (remainder / 100.0);
    }
}
