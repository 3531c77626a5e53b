namespace HeCompute.Features;

/// <summary>
/// Which pixels of a frame the features describe: the whole image, a rectangle, or a binary mask (from a byte or bool
/// array, a bit-packed array, or a frame of a DICOM Segmentation). Immutable; a mask is copied when the region is
/// created, so the caller's buffer may be reused.
/// </summary>
public sealed class RegionOfInterest
{
    private enum Kind
    {
        WholeImage,
        Rectangle,
        Mask,
    }

    private readonly Kind _kind;
    private readonly PixelRectangle _rectangle;
    private readonly byte[]? _mask;
    private readonly int _maskWidth;
    private readonly int _maskHeight;

    private RegionOfInterest(Kind kind, PixelRectangle rectangle, byte[]? mask, int maskWidth, int maskHeight)
    {
        _kind = kind;
        _rectangle = rectangle;
        _mask = mask;
        _maskWidth = maskWidth;
        _maskHeight = maskHeight;
    }

    /// <summary>Every pixel of the image.</summary>
    public static RegionOfInterest WholeImage { get; } = new(Kind.WholeImage, default, null, 0, 0);

    /// <summary>
    /// The pixels of a rectangle, columns <c>[x, x + width)</c> and rows <c>[y, y + height)</c>. The rectangle must lie
    /// inside the image it is applied to (checked when features are computed).
    /// </summary>
    public static RegionOfInterest Rectangle(int x, int y, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if ((long)x + width > int.MaxValue || (long)y + height > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(width), "The rectangle extends past the largest representable coordinate.");
        }

        return new RegionOfInterest(Kind.Rectangle, new PixelRectangle(x, y, width, height), null, 0, 0);
    }

    /// <summary>
    /// A binary mask of <paramref name="width"/> × <paramref name="height"/> bytes in row-major order (the image's own
    /// size); a pixel is in the region when its byte is non-zero.
    /// </summary>
    public static RegionOfInterest FromMask(ReadOnlySpan<byte> mask, int width, int height)
    {
        ImageGeometry.Validate(mask.Length, width, height, "mask");
        var copy = new byte[mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            copy[i] = mask[i] != 0 ? (byte)1 : (byte)0;
        }

        return new RegionOfInterest(Kind.Mask, default, copy, width, height);
    }

    /// <summary>A binary mask of <paramref name="width"/> × <paramref name="height"/> booleans in row-major order.</summary>
    public static RegionOfInterest FromMask(ReadOnlySpan<bool> mask, int width, int height)
    {
        ImageGeometry.Validate(mask.Length, width, height, "mask");
        var copy = new byte[mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            copy[i] = mask[i] ? (byte)1 : (byte)0;
        }

        return new RegionOfInterest(Kind.Mask, default, copy, width, height);
    }

    /// <summary>
    /// A mask packed one bit per pixel in DICOM's order for Bits Allocated = 1: pixel <c>k</c> (row-major) is bit
    /// <c>(firstBit + k) mod 8</c> of byte <c>(firstBit + k) / 8</c>, bit 0 being the least significant; a set bit
    /// puts the pixel in the region.
    /// </summary>
    /// <param name="packedBits">The packed bits.</param>
    /// <param name="width">Mask width (the image's width).</param>
    /// <param name="height">Mask height (the image's height).</param>
    /// <param name="firstBit">Bit position of the first pixel; frames of a multi-frame 1-bit image are not byte-aligned.</param>
    public static RegionOfInterest FromBitPackedMask(ReadOnlySpan<byte> packedBits, int width, int height, long firstBit = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(firstBit);
        long count = (long)width * height;
        if (count > Array.MaxLength)
        {
            throw new ArgumentException($"A {width}×{height} mask is too large.");
        }

        if (firstBit > (long)packedBits.Length * 8 - count)
        {
            throw new ArgumentException(
                $"A {width}×{height} mask starting at bit {firstBit} needs {(firstBit + count + 7) / 8} bytes; {packedBits.Length} were given.",
                nameof(packedBits));
        }

        var mask = new byte[count];
        for (long k = 0; k < count; k++)
        {
            long bit = firstBit + k;
            mask[k] = (byte)((packedBits[(int)(bit >> 3)] >> (int)(bit & 7)) & 1);
        }

        return new RegionOfInterest(Kind.Mask, default, mask, width, height);
    }

    /// <summary>
    /// Frame <paramref name="frameIndex"/> (0-based) of the Pixel Data of a DICOM Segmentation with Segmentation Type
    /// BINARY (Bits Allocated 1): frames are consecutive runs of <c>width × height</c> bits with no padding between
    /// them, so frame <c>f</c> starts at bit <c>f × width × height</c>.
    /// </summary>
    public static RegionOfInterest FromBinarySegmentationFrame(ReadOnlySpan<byte> pixelData, int width, int height, int frameIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameIndex);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        return FromBitPackedMask(pixelData, width, height, (long)frameIndex * width * height);
    }

    /// <summary>
    /// Frame <paramref name="frameIndex"/> (0-based) of the Pixel Data of a DICOM Segmentation with Segmentation Type
    /// FRACTIONAL (Bits Allocated 8, one byte per pixel, frames consecutive): a pixel is in the region when its value is
    /// at least <paramref name="threshold"/> (for example half the Maximum Fractional Value).
    /// </summary>
    public static RegionOfInterest FromFractionalSegmentationFrame(
        ReadOnlySpan<byte> pixelData, int width, int height, int frameIndex, byte threshold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameIndex);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfZero(threshold);
        long count = (long)width * height;
        long start = frameIndex * count;
        if (count > Array.MaxLength || start + count > pixelData.Length)
        {
            throw new ArgumentException(
                $"Frame {frameIndex} of {width}×{height} bytes ends at byte {start + count}; the pixel data has {pixelData.Length} bytes.",
                nameof(pixelData));
        }

        ReadOnlySpan<byte> frame = pixelData.Slice((int)start, (int)count);
        var mask = new byte[count];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = frame[i] >= threshold ? (byte)1 : (byte)0;
        }

        return new RegionOfInterest(Kind.Mask, default, mask, width, height);
    }

    /// <summary>A short human-readable description (kind and size), never the mask's contents.</summary>
    public override string ToString() => _kind switch
    {
        Kind.WholeImage => "whole image",
        Kind.Rectangle => $"rectangle x={_rectangle.X} y={_rectangle.Y} {_rectangle.Width}×{_rectangle.Height}",
        _ => $"mask {_maskWidth}×{_maskHeight}",
    };

    /// <summary>
    /// The region as a 0/1 byte mask of the image's size, with its pixel count and bounding rectangle (empty regions
    /// have a count of 0 and a default rectangle).
    /// </summary>
    internal ResolvedRegion Resolve(int imageWidth, int imageHeight)
    {
        var mask = new byte[imageWidth * imageHeight];
        switch (_kind)
        {
            case Kind.WholeImage:
                mask.AsSpan().Fill(1);
                return new ResolvedRegion(mask, mask.Length, new PixelRectangle(0, 0, imageWidth, imageHeight));
            case Kind.Rectangle:
                if (_rectangle.Right > imageWidth || _rectangle.Bottom > imageHeight)
                {
                    throw new ArgumentException(
                        $"The region of interest ({this}) does not lie inside the {imageWidth}×{imageHeight} image.");
                }

                for (int y = _rectangle.Y; y < _rectangle.Bottom; y++)
                {
                    mask.AsSpan(y * imageWidth + _rectangle.X, _rectangle.Width).Fill(1);
                }

                return new ResolvedRegion(mask, _rectangle.Width * _rectangle.Height, _rectangle);
            default:
                if (_maskWidth != imageWidth || _maskHeight != imageHeight)
                {
                    throw new ArgumentException(
                        $"The mask is {_maskWidth}×{_maskHeight} but the image is {imageWidth}×{imageHeight}.");
                }

                _mask.AsSpan().CopyTo(mask);
                return ResolvedRegion.FromMask(mask, imageWidth, imageHeight);
        }
    }
}

/// <summary>A region resolved against an image: a 0/1 mask of the image's size, its pixel count and bounding box.</summary>
internal readonly record struct ResolvedRegion(byte[] Mask, int Count, PixelRectangle Bounds)
{
    /// <summary>Counts the set pixels of a 0/1 mask and finds their bounding rectangle.</summary>
    public static ResolvedRegion FromMask(byte[] mask, int width, int height)
    {
        int count = 0;
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = mask.AsSpan(y * width, width);
            int first = row.IndexOf((byte)1);
            if (first < 0)
            {
                continue;
            }

            int last = row.LastIndexOf((byte)1);
            count += row.Length - row.Count((byte)0);
            minX = Math.Min(minX, first);
            maxX = Math.Max(maxX, last);
            minY = Math.Min(minY, y);
            maxY = y;
        }

        return count == 0
            ? new ResolvedRegion(mask, 0, default)
            : new ResolvedRegion(mask, count, new PixelRectangle(minX, minY, maxX - minX + 1, maxY - minY + 1));
    }
}
