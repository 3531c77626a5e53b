using System.Globalization;

namespace HeCompute.Features;

/// <summary>
/// A closed intensity interval <c>[Lower, Upper]</c> used for IBSI range re-segmentation (USB3): pixels of the region
/// whose intensity lies outside it are removed from the intensity mask before any feature is computed. Either end may
/// be infinite (for example <c>[-500, +∞)</c>). A finite range also gives the features declared bounds.
/// </summary>
public sealed record IntensityRange
{
    /// <summary>Creates the interval; <paramref name="lower"/> ≤ <paramref name="upper"/>, neither NaN.</summary>
    public IntensityRange(double lower, double upper)
    {
        if (double.IsNaN(lower) || double.IsNaN(upper) || lower > upper
            || double.IsPositiveInfinity(lower) || double.IsNegativeInfinity(upper))
        {
            throw new ArgumentException(
                $"An intensity range needs lower ≤ upper, neither NaN, lower not +∞ and upper not −∞; got [{lower}, {upper}].");
        }

        Lower = lower;
        Upper = upper;
    }

    /// <summary>The inclusive lower end (may be −∞).</summary>
    public double Lower { get; }

    /// <summary>The inclusive upper end (may be +∞).</summary>
    public double Upper { get; }

    /// <summary>The half-open range <c>[lower, +∞)</c>.</summary>
    public static IntensityRange AtLeast(double lower) => new(lower, double.PositiveInfinity);

    /// <summary>True when both ends are finite.</summary>
    public bool IsFinite => double.IsFinite(Lower) && double.IsFinite(Upper);

    /// <summary>True when <paramref name="value"/> lies in the closed interval.</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;

    /// <summary>The interval as text, e.g. <c>[-500, 400]</c> or <c>[-500, inf]</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{SchemaText.Number(Lower)}, {SchemaText.Number(Upper)}]");
}
