namespace HeCompute.Features;

/// <summary>An axis-aligned rectangle of whole pixels: columns <c>[X, X + Width)</c>, rows <c>[Y, Y + Height)</c>.</summary>
/// <param name="X">First column (0 = leftmost).</param>
/// <param name="Y">First row (0 = top).</param>
/// <param name="Width">Number of columns, at least 1.</param>
/// <param name="Height">Number of rows, at least 1.</param>
public readonly record struct PixelRectangle(int X, int Y, int Width, int Height)
{
    /// <summary>One past the last column.</summary>
    public int Right => X + Width;

    /// <summary>One past the last row.</summary>
    public int Bottom => Y + Height;
}
