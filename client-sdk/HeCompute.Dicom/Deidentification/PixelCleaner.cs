using System.Buffers.Binary;
using HeCompute.Dicom.Imaging;

namespace HeCompute.Dicom.Deidentification;

/// <summary>Blanks rectangles of every frame and sample of decoded pixels (<see cref="CleanPixelDataOptions"/>).</summary>
internal static class PixelCleaner
{
    private static readonly DicomTag ExtendedOffsetTable = new(0x7FE0, 0x0001);
    private static readonly DicomTag ExtendedOffsetTableLengths = new(0x7FE0, 0x0002);

    /// <summary>What is to be blanked in one image: the rectangles clipped to it, and notes on where they come from.</summary>
    internal sealed record Plan(IReadOnlyList<CleanRectangle> Rectangles, IReadOnlyList<string> Notes);

    /// <summary>The rectangles for <paramref name="dataset"/>, or null when the image has no pixel data or nothing to blank in it.</summary>
    internal static Plan? PlanFor(DicomDataset dataset, CleanPixelDataOptions options, out IReadOnlyList<string> notes)
    {
        var list = new List<string>();
        notes = list;
        if (!dataset.Contains(DicomTag.PixelData))
        {
            list.Add("no Pixel Data (7FE0,0010)");
            return null;
        }

        int rows = dataset.GetSingleValueOrDefault(DicomTag.Rows, 0);
        int columns = dataset.GetSingleValueOrDefault(DicomTag.Columns, 0);
        var wanted = new List<CleanRectangle>(options.Rectangles);
        if (options.Rectangles.Count > 0)
        {
            list.Add("given rectangles");
        }

        if (options.ModalityDefaults)
        {
            var (defaults, source) = PixelCleaningDefaults.For(dataset);
            wanted.AddRange(defaults);
            list.Add(source);
        }

        var clipped = new List<CleanRectangle>();
        foreach (var rectangle in wanted)
        {
            if (rectangle.ClipTo(columns, rows) is { } inside)
            {
                clipped.Add(inside);
            }
            else
            {
                list.Add($"rectangle {rectangle} lies outside the {columns}x{rows} image: skipped");
            }
        }

        return clipped.Count == 0 ? null : new Plan(clipped, list);
    }

    /// <summary>
    /// Decodes every frame of <paramref name="original"/>, blanks <paramref name="rectangles"/> in each sample, and puts
    /// the result into <paramref name="result"/> as native pixel data (Explicit VR Little Endian, interleaved samples,
    /// the decoded photometric interpretation). Returns the number of frames cleaned.
    /// </summary>
    /// <exception cref="DicomException">The pixels cannot be decoded.</exception>
    /// <exception cref="DeidentificationException">The decoded pixels would not fit in one value.</exception>
    internal static int Apply(DicomDataset original, DicomDataset result, IReadOnlyList<CleanRectangle> rectangles)
    {
        var pixels = DicomPixelData.Create(original);
        int bytesPerSample = pixels.DecodedBytesPerSample;
        int samples = pixels.SamplesPerPixel;
        long pixelsPerFrame = (long)pixels.Rows * pixels.Columns;
        long total = pixels.BitsAllocated == 1
            ? ((pixelsPerFrame * pixels.FrameCount) + 7) / 8
            : (long)pixels.FrameLength * pixels.FrameCount;
        total += total & 1;
        if (total > Array.MaxLength)
        {
            throw new DeidentificationException($"Cleaning the pixels needs {total} bytes of uncompressed pixel data in one value, more than can be held.");
        }

        string photometric = pixels.DecodedPhotometricInterpretation;
        var blank = BlankValues(pixels, photometric);
        var output = new byte[total];
        var frame = new byte[pixels.FrameLength];
        for (int f = 0; f < pixels.FrameCount; f++)
        {
            pixels.GetFrameBytes(f, frame);
            foreach (var r in rectangles)
            {
                for (int y = r.Y; y < r.Y + r.Height; y++)
                {
                    for (int x = r.X; x < r.X + r.Width; x++)
                    {
                        int offset = ((y * pixels.Columns) + x) * samples * bytesPerSample;
                        for (int s = 0; s < samples; s++)
                        {
                            Write(frame.AsSpan(offset + (s * bytesPerSample), bytesPerSample), blank[s]);
                        }
                    }
                }
            }

            if (pixels.BitsAllocated == 1)
            {
                // PS3.5 8.1.1: frames follow each other bit by bit, the first pixel in the least significant bit.
                long firstBit = f * pixelsPerFrame;
                for (int i = 0; i < frame.Length; i++)
                {
                    long bit = firstBit + i;
                    output[bit >> 3] |= (byte)((frame[i] & 1) << (int)(bit & 7));
                }
            }
            else
            {
                frame.CopyTo(output.AsSpan(f * frame.Length));
            }
        }

        result.AddOrUpdate(new DicomElement(DicomTag.PixelData, pixels.BitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, output));
        result.Remove(ExtendedOffsetTable);
        result.Remove(ExtendedOffsetTableLengths);
        if (photometric != pixels.PhotometricInterpretation)
        {
            result.AddOrUpdate(DicomVR.CS, DicomTag.PhotometricInterpretation, photometric);
        }

        if (samples > 1)
        {
            result.AddOrUpdate(DicomVR.US, DicomTag.PlanarConfiguration, (ushort)0); // decoded samples are interleaved
        }

        result.InternalTransferSyntax = DicomTransferSyntax.ExplicitVRLittleEndian;
        return pixels.FrameCount;
    }

    /// <summary>Black as displayed, per sample: see <see cref="CleanPixelDataOptions"/>.</summary>
    private static long[] BlankValues(DicomPixelData pixels, string photometric)
    {
        int bits = pixels.BitsStored;
        long lowest = pixels.IsSigned ? -(1L << (bits - 1)) : 0;
        long highest = pixels.IsSigned ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
        var blank = new long[pixels.SamplesPerPixel];
        for (int s = 0; s < blank.Length; s++)
        {
            blank[s] = photometric switch
            {
                "MONOCHROME1" => highest,
                _ when photometric.StartsWith("YBR", StringComparison.Ordinal) && s > 0 => 1L << (bits - 1),
                _ => lowest,
            };
        }

        return blank;
    }

    private static void Write(Span<byte> sample, long value)
    {
        switch (sample.Length)
        {
            case 1:
                sample[0] = unchecked((byte)value);
                break;
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(sample, unchecked((ushort)value));
                break;
            default:
                BinaryPrimitives.WriteUInt32LittleEndian(sample, unchecked((uint)value));
                break;
        }
    }
}
