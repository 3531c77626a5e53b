using System.Globalization;

namespace HeCompute.Dicom.Deidentification;

/// <summary>A rectangle of an image, in pixels from the top-left corner: <paramref name="X"/> is the column,
/// <paramref name="Y"/> the row.</summary>
/// <param name="X">First column (0-based).</param>
/// <param name="Y">First row (0-based).</param>
/// <param name="Width">Columns covered (at least 1).</param>
/// <param name="Height">Rows covered (at least 1).</param>
public sealed record CleanRectangle(int X, int Y, int Width, int Height)
{
    /// <summary>Checks the rectangle: a non-negative corner and a positive size.</summary>
    /// <exception cref="ArgumentException">A coordinate is negative or a side is not positive.</exception>
    public void Validate()
    {
        if (X < 0 || Y < 0 || Width < 1 || Height < 1)
        {
            throw new ArgumentException($"The rectangle {this} needs x, y >= 0 and width, height >= 1.");
        }
    }

    /// <summary>Parses "x,y,width,height" (integers, as the CLI's --clean-rect takes them).</summary>
    /// <exception cref="FormatException">The text is not four integers or the rectangle is invalid.</exception>
    public static CleanRectangle Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var numbers = new int[4];
        if (parts.Length != 4 || !parts.Select((p, i) => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])).All(ok => ok))
        {
            throw new FormatException($"'{text}' is not a rectangle x,y,width,height of non-negative integers.");
        }

        var rectangle = new CleanRectangle(numbers[0], numbers[1], numbers[2], numbers[3]);
        if (rectangle.Width < 1 || rectangle.Height < 1)
        {
            throw new FormatException($"'{text}': width and height must be at least 1.");
        }

        return rectangle;
    }

    /// <summary>The part of the rectangle inside an image of <paramref name="columns"/> x <paramref name="rows"/>, or null.</summary>
    internal CleanRectangle? ClipTo(int columns, int rows)
    {
        int x1 = (int)Math.Min((long)X + Width, columns);
        int y1 = (int)Math.Min((long)Y + Height, rows);
        return X >= columns || Y >= rows ? null : new CleanRectangle(X, Y, x1 - X, y1 - Y);
    }

    /// <summary>"x,y,width,height".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{X},{Y},{Width},{Height}");
}

/// <summary>
/// The Clean Pixel Data Option (PS3.15 E.3.1): rectangles of every frame are blanked on the decoded pixels before the
/// dataset is written. Blank is black as the image is displayed: the lowest value of MONOCHROME2, RGB and YBR luminance
/// (0, or -2^(Bits Stored - 1) when signed), the highest of MONOCHROME1, the chroma midpoint of YBR, index 0 of
/// PALETTE COLOR. The pixels are written uncompressed (Explicit VR Little Endian), so a lossless input stays lossless
/// and a lossy one is not compressed again.
/// </summary>
public sealed record CleanPixelDataOptions
{
    private readonly IReadOnlyList<CleanRectangle> _rectangles = [];

    /// <summary>Rectangles blanked in every image that has pixel data (clipped to the image; one wholly outside is reported and skipped).</summary>
    public IReadOnlyList<CleanRectangle> Rectangles
    {
        get => _rectangles;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (var r in value)
            {
                ArgumentNullException.ThrowIfNull(r);
                r.Validate();
            }

            _rectangles = [.. value];
        }
    }

    /// <summary>
    /// Also blank the modality's default rectangles where one is known (<see cref="PixelCleaningDefaults"/>): a
    /// heuristic for where such images carry text, not a guarantee. Images of a modality with no default and no
    /// <see cref="Rectangles"/> are not cleaned, and the burned-in annotation check applies to them as without this option.
    /// </summary>
    public bool ModalityDefaults { get; init; }

    /// <summary>Equality compares the rectangles by value.</summary>
    public bool Equals(CleanPixelDataOptions? other) =>
        other is not null && ModalityDefaults == other.ModalityDefaults && Rectangles.SequenceEqual(other.Rectangles);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ModalityDefaults, Rectangles.Count);
}

/// <summary>
/// The per-modality default rectangles of <see cref="CleanPixelDataOptions.ModalityDefaults"/>. Each is a heuristic:
/// check the cleaned images before they leave the hospital.
/// </summary>
public static class PixelCleaningDefaults
{
    private static readonly DicomTag SequenceOfUltrasoundRegions = new(0x0018, 0x6011);
    private static readonly DicomTag RegionLocationMinY0 = new(0x0018, 0x601A);

    /// <summary>Share of the rows blanked at the top of an ultrasound image that describes no regions.</summary>
    public const double UltrasoundHeaderFraction = 0.1;

    /// <summary>
    /// The default rectangles for a dataset and where they come from, or an empty list (with the reason) when its
    /// modality has none. US and IVUS: the full-width header band that ultrasound systems print the patient's name,
    /// ID, date and institution in. When the image lists its Sequence of Ultrasound Regions (0018,6011; PS3.3
    /// C.8.5.5), the band ends above the topmost region (Region Location Min Y0), since the regions are where the
    /// image data are; otherwise it is the top <see cref="UltrasoundHeaderFraction"/> of the rows. Other modalities:
    /// none (give rectangles).
    /// </summary>
    public static (IReadOnlyList<CleanRectangle> Rectangles, string Source) For(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        string modality = dataset.GetElement(DicomTag.Modality) is { IsDeferred: false } m
            ? System.Text.Encoding.Latin1.GetString(m.RawValue.Span).Trim(' ', '\0').ToUpperInvariant()
            : string.Empty;
        int rows = dataset.GetSingleValueOrDefault(DicomTag.Rows, 0);
        int columns = dataset.GetSingleValueOrDefault(DicomTag.Columns, 0);
        if (modality is not ("US" or "IVUS"))
        {
            return ([], $"no default rectangle for modality '{modality}'");
        }

        if (rows < 1 || columns < 1)
        {
            return ([], "no image size");
        }

        if (dataset.GetSequence(SequenceOfUltrasoundRegions) is { Items.Count: > 0 } regions)
        {
            long top = long.MaxValue;
            foreach (var region in regions.Items)
            {
                if (region.TryGetSingleValue(RegionLocationMinY0, out uint y0))
                {
                    top = Math.Min(top, y0);
                }
            }

            if (top != long.MaxValue)
            {
                return top == 0
                    ? ([], "US heuristic: the topmost ultrasound region starts at row 0, no header band above it")
                    : ([new CleanRectangle(0, 0, columns, (int)Math.Min(top, rows))], "US heuristic: the band above the topmost region of the Sequence of Ultrasound Regions (0018,6011)");
            }
        }

        int band = Math.Max(1, (int)Math.Ceiling(rows * UltrasoundHeaderFraction));
        return ([new CleanRectangle(0, 0, columns, band)], "US heuristic: the top 10% of the rows (no Sequence of Ultrasound Regions)");
    }
}
