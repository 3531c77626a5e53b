using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using HeCompute.Dicom.Codecs;

namespace HeCompute.Dicom.Imaging;

/// <summary>The pixel data of a dataset (Image Pixel module, PS3.3 C.7.6.3), decoded one frame at a time on demand:
/// only the bytes of the requested frame are read from the source (with deferred pixel data) and decoded, so a
/// multi-frame file of any size is processed within the memory of one frame.</summary>
public sealed class DicomPixelData
{
    private static readonly double[] YbrToRgb = InverseYbrMatrix();
    private readonly DicomElement? _native;
    private readonly DicomFragmentSequence? _encapsulated;
    private readonly IDicomCodec? _codec;
    private readonly bool _encapsulatedNative;
    private (int First, int Count)[]? _frameMap;
    private string? _frameLocationNote;

    private DicomPixelData(DicomDataset dataset, DicomCodecRegistry codecs)
    {
        Dataset = dataset;
        TransferSyntax = dataset.InternalTransferSyntax;
        Rows = RequiredInt(dataset, DicomTag.Rows);
        Columns = RequiredInt(dataset, DicomTag.Columns);
        BitsAllocated = RequiredInt(dataset, DicomTag.BitsAllocated);
        SamplesPerPixel = OptionalInt(dataset, DicomTag.SamplesPerPixel, 1);
        BitsStored = OptionalInt(dataset, DicomTag.BitsStored, BitsAllocated);
        HighBit = OptionalInt(dataset, DicomTag.HighBit, BitsStored - 1);
        PixelRepresentation = OptionalInt(dataset, DicomTag.PixelRepresentation, 0);
        PlanarConfiguration = SamplesPerPixel > 1 ? OptionalInt(dataset, DicomTag.PlanarConfiguration, 0) : 0;
        PhotometricInterpretation = dataset.Contains(DicomTag.PhotometricInterpretation)
            ? dataset.GetString(DicomTag.PhotometricInterpretation).Trim()
            : SamplesPerPixel == 1 ? "MONOCHROME2" : "RGB";
        FrameCount = Math.Max(1, OptionalInt(dataset, DicomTag.NumberOfFrames, 1));
        Validate();

        var item = dataset.GetItem(DicomTag.PixelData) ?? throw new DicomDataException("The dataset has no Pixel Data (7FE0,0010).");
        if (item is DicomFragmentSequence fragments)
        {
            _encapsulated = fragments;
            _encapsulatedNative = TransferSyntax.Uid == "1.2.840.10008.1.2.1.98";
            if (!_encapsulatedNative)
            {
                _codec = codecs.GetCodec(TransferSyntax);
                if (BitsAllocated == 1)
                {
                    throw new DicomCodecException($"Bits Allocated 1 is not valid in {TransferSyntax.Name} pixel data.");
                }
            }
        }
        else if (item is DicomElement element)
        {
            _native = element;
            long needed = (StoredFrameBits * FrameCount + 7) / 8;
            if (element.Length < needed)
            {
                throw new DicomDataException(
                    $"Pixel Data has {element.Length} bytes; {FrameCount} frame(s) of {Rows}x{Columns}x{SamplesPerPixel} at {BitsAllocated} bits need {needed}.");
            }
        }
        else
        {
            throw new DicomDataException("Pixel Data (7FE0,0010) is neither a value nor encapsulated fragments.");
        }

        ModalityLut = ReadModalityLut(dataset);
        (Window, VoiLut) = ReadVoi(dataset);
    }

    /// <summary>The dataset the pixel data belongs to.</summary>
    public DicomDataset Dataset { get; }

    /// <summary>The transfer syntax the pixel data is encoded in.</summary>
    public DicomTransferSyntax TransferSyntax { get; }

    /// <summary>Rows (0028,0010).</summary>
    public int Rows { get; }

    /// <summary>Columns (0028,0011).</summary>
    public int Columns { get; }

    /// <summary>Samples per Pixel (0028,0002): 1 or 3.</summary>
    public int SamplesPerPixel { get; }

    /// <summary>Bits Allocated (0028,0100): 1, 8, 16 or 32.</summary>
    public int BitsAllocated { get; }

    /// <summary>Bits Stored (0028,0101).</summary>
    public int BitsStored { get; }

    /// <summary>High Bit (0028,0102).</summary>
    public int HighBit { get; }

    /// <summary>Pixel Representation (0028,0103): 0 unsigned, 1 two's complement.</summary>
    public int PixelRepresentation { get; }

    /// <summary>True when samples are signed.</summary>
    public bool IsSigned => PixelRepresentation == 1;

    /// <summary>Planar Configuration (0028,0006) of the stored data.</summary>
    public int PlanarConfiguration { get; }

    /// <summary>Photometric Interpretation (0028,0004) of the stored data.</summary>
    public string PhotometricInterpretation { get; }

    /// <summary>The photometric interpretation of <see cref="GetFrameBytes(int)"/>: YBR_FULL_422 is delivered
    /// upsampled, as YBR_FULL (PS3.5 8.2.1); YBR_RCT and YBR_ICT, which name the JPEG 2000 component transform the
    /// decoder undoes, as RGB (PS3.5 8.2.4, as dcmtk, gdcm and pydicom deliver them); everything else as stored.</summary>
    public string DecodedPhotometricInterpretation => PhotometricInterpretation switch
    {
        "YBR_FULL_422" => "YBR_FULL",
        "YBR_RCT" or "YBR_ICT" => "RGB",
        var stored => stored,
    };

    /// <summary>Number of Frames (0028,0008), 1 when absent.</summary>
    public int FrameCount { get; }

    /// <summary>Bytes per sample of <see cref="GetFrameBytes(int)"/>: bits allocated 1 is unpacked to one byte per pixel (0 or 1).</summary>
    public int DecodedBytesPerSample => BitsAllocated <= 8 ? 1 : BitsAllocated / 8;

    /// <summary>Length of <see cref="GetFrameBytes(int)"/>: Rows x Columns x Samples x <see cref="DecodedBytesPerSample"/>.</summary>
    public int FrameLength => checked(Rows * Columns * SamplesPerPixel * DecodedBytesPerSample);

    /// <summary>True for PALETTE COLOR, RGB and YBR data.</summary>
    public bool IsColor => SamplesPerPixel > 1 || PhotometricInterpretation == "PALETTE COLOR";

    /// <summary>The modality LUT: rescale (slope, intercept) and optionally a Modality LUT Sequence table.</summary>
    public (double Slope, double Intercept, LookupTable? Table) ModalityLut { get; }

    /// <summary>The VOI window used for <see cref="PixelOutput.Display"/>: the first Window Center/Width of the
    /// dataset, or one you set. When null, the VOI LUT (if any) and else the frame's min-max are used.</summary>
    public VoiWindow? Window { get; set; }

    /// <summary>The first VOI LUT Sequence item's table, used for display when no window is set.</summary>
    public LookupTable? VoiLut { get; set; }

    private long StoredFrameBits =>
        PhotometricInterpretation == "YBR_FULL_422" && !TransferSyntax.IsEncapsulated
            ? (long)Rows * Columns * 2 * BitsAllocated // two luminance and two chroma samples per pair of pixels
            : (long)Rows * Columns * SamplesPerPixel * BitsAllocated;

    /// <summary>Reads the pixel description of a dataset. Nothing is decoded yet.</summary>
    /// <exception cref="DicomDataException">The Image Pixel attributes are missing or inconsistent.</exception>
    /// <exception cref="DicomCodecException">The transfer syntax has no decoder (the message names it).</exception>
    public static DicomPixelData Create(DicomDataset dataset, DicomCodecRegistry? codecs = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new DicomPixelData(dataset, codecs ?? DicomCodecRegistry.Default);
    }

    /// <summary>One frame, decoded: little-endian, interleaved samples, <see cref="DecodedBytesPerSample"/> bytes each.</summary>
    public byte[] GetFrameBytes(int frame)
    {
        var result = new byte[FrameLength];
        GetFrameBytes(frame, result);
        return result;
    }

    /// <summary>One frame, decoded into <paramref name="destination"/> of <see cref="FrameLength"/> bytes.</summary>
    public void GetFrameBytes(int frame, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frame, FrameCount);
        if (destination.Length != FrameLength)
        {
            throw new ArgumentException($"The destination must be {FrameLength} bytes.", nameof(destination));
        }

        if (_native is not null)
        {
            ReadNativeFrame(frame, destination);
            return;
        }

        var (first, count) = FrameMap()[frame];
        long total = 0;
        for (int i = first; i < first + count; i++)
        {
            total += _encapsulated!.Fragments[i].Length;
        }

        if (total > int.MaxValue)
        {
            throw new DicomCodecException($"Frame {frame} is {total} bytes encoded, more than this decoder handles.");
        }

        byte[] encoded = ArrayPool<byte>.Shared.Rent((int)total);
        try
        {
            int position = 0;
            for (int i = first; i < first + count; i++)
            {
                var fragment = _encapsulated!.Fragments[i];
                fragment.CopyTo(0, encoded.AsSpan(position, (int)fragment.Length));
                position += (int)fragment.Length;
            }

            var span = encoded.AsSpan(0, position);
            if (_encapsulatedNative)
            {
                if (span.Length < StoredFrameBits / 8)
                {
                    throw new DicomCodecException($"Frame {frame} has {span.Length} bytes; {StoredFrameBits / 8} expected.");
                }

                NativeToInterleaved(span[..(int)(StoredFrameBits / 8)], destination);
                return;
            }

            var info = new DicomFrameInfo(Rows, Columns, SamplesPerPixel, BitsAllocated, BitsStored, IsSigned, PlanarConfiguration, PhotometricInterpretation);
            _codec!.Decode(span, info, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }

    /// <summary>What the reader set aside to locate the frames of encapsulated pixel data, or null: an offset table
    /// that disagrees with the fragments (too many or too few entries, an entry that misses a fragment) is ignored
    /// and the frames are found from the fragments, as pydicom, gdcm and dcmtk do. Reading it locates the frames
    /// (the start of each fragment is read; nothing is decoded).</summary>
    public string? FrameLocationNote
    {
        get
        {
            if (_encapsulated is null)
            {
                return null;
            }

            FrameMap();
            return _frameLocationNote;
        }
    }

    private (int First, int Count)[] FrameMap()
    {
        if (_frameMap is null)
        {
            _frameMap = FrameLocator.Locate(_encapsulated!, FrameCount, TransferSyntax, out string? note);
            _frameLocationNote = note;
        }

        return _frameMap;
    }

    /// <summary>The number of floats <see cref="GetFrameValues(int, Span{float}, PixelOutput)"/> writes.</summary>
    public int GetValueCount(PixelOutput output)
    {
        int pixels = checked(Rows * Columns);
        if (output == PixelOutput.StoredValues)
        {
            return pixels * SamplesPerPixel;
        }

        return IsColor ? pixels * 3 : pixels;
    }

    /// <summary>One frame as floats (see <see cref="PixelOutput"/>); colour is interleaved R, G, B.</summary>
    public float[] GetFrameValues(int frame, PixelOutput output = PixelOutput.ModalityValues)
    {
        var result = new float[GetValueCount(output)];
        GetFrameValues(frame, result, output);
        return result;
    }

    /// <summary>One frame as a tensor: [Rows, Columns] for monochrome, [Rows, Columns, 3] for colour
    /// ([Rows, Columns, Samples] for stored values).</summary>
    public Tensor<float> GetFrameTensor(int frame, PixelOutput output = PixelOutput.ModalityValues)
    {
        float[] values = GetFrameValues(frame, output);
        int channels = values.Length / (Rows * Columns);
        return channels == 1
            ? Tensor.Create(values, [Rows, Columns])
            : Tensor.Create(values, [Rows, Columns, channels]);
    }

    /// <summary>One frame as floats into <paramref name="destination"/> of <see cref="GetValueCount"/> values.</summary>
    public void GetFrameValues(int frame, Span<float> destination, PixelOutput output = PixelOutput.ModalityValues)
    {
        if (destination.Length != GetValueCount(output))
        {
            throw new ArgumentException($"The destination must hold {GetValueCount(output)} values.", nameof(destination));
        }

        byte[] bytes = ArrayPool<byte>.Shared.Rent(FrameLength);
        try
        {
            GetFrameBytes(frame, bytes.AsSpan(0, FrameLength));
            int samples = Rows * Columns * SamplesPerPixel;
            if (output == PixelOutput.StoredValues || !IsColor)
            {
                ToSampleValues(bytes.AsSpan(0, FrameLength), destination[..samples]);
                if (output == PixelOutput.StoredValues)
                {
                    return;
                }

                ApplyModality(destination);
                if (output == PixelOutput.Display)
                {
                    ApplyVoi(destination);
                    if (PhotometricInterpretation == "MONOCHROME1")
                    {
                        TensorPrimitives.Subtract(1f, destination, destination);
                    }
                }

                return;
            }

            float scale = ToRgb(bytes.AsSpan(0, FrameLength), destination);
            if (output == PixelOutput.Display)
            {
                TensorPrimitives.Multiply(destination, 1f / scale, destination);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>The samples of a decoded frame as the integers Bits Stored, High Bit and Pixel Representation make of
    /// them. Native data: bits [High Bit − Bits Stored + 1, High Bit], sign-extended when signed (the bits outside
    /// may hold retired overlay planes). Unsigned data a codec decoded: its value clamped to [0, 2^Bits Stored − 1],
    /// not masked — a codestream of higher precision than Bits Stored (a 12-bit JPEG in a 10-bit CR) can decode a
    /// few values past the top, and masking would move them to the bottom of the range: 1024 in a 10-bit image
    /// would become 0 and the darkest pixels of a MONOCHROME1 image white. dcmtk's renderer and gdcm mask; pydicom
    /// keeps 1024, at the top, and clamping keeps that order.</summary>
    private void ToSampleValues(ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        int width = 8 * DecodedBytesPerSample;
        if (_codec is not null && !IsSigned && HighBit == BitsStored - 1 && BitsStored < width)
        {
            PixelConversions.ToStoredValues(bytes, DecodedBytesPerSample, width, width - 1, false, destination);
            TensorPrimitives.Min(destination, (float)((1L << BitsStored) - 1), destination);
            return;
        }

        PixelConversions.ToStoredValues(bytes, DecodedBytesPerSample, BitsAllocated == 1 ? 1 : BitsStored, BitsAllocated == 1 ? 0 : HighBit, IsSigned, destination);
    }

    private void ApplyModality(Span<float> values)
    {
        var (slope, intercept, table) = ModalityLut;
        if (table is not null)
        {
            table.Apply(values);
        }
        else if (slope != 1 || intercept != 0)
        {
            PixelConversions.Affine(values, (float)slope, (float)intercept, values);
        }
    }

    private void ApplyVoi(Span<float> values)
    {
        if (Window is { } w)
        {
            PixelConversions.ApplyWindow(values, w);
        }
        else if (VoiLut is { } lut)
        {
            lut.Apply(values);
            TensorPrimitives.Multiply(values, 1f / lut.MaxEntryValue, values);
        }
        else
        {
            float min = TensorPrimitives.Min(values);
            float max = TensorPrimitives.Max(values);
            if (max > min)
            {
                PixelConversions.Affine(values, 1f / (max - min), -min / (max - min), values);
            }
            else
            {
                values.Clear();
            }
        }
    }

    // Colour to interleaved RGB on the stored (or palette entry) scale; returns that scale's maximum.
    private float ToRgb(ReadOnlySpan<byte> bytes, Span<float> rgb)
    {
        int pixels = Rows * Columns;
        float max = (float)((1L << BitsStored) - 1);
        switch (DecodedPhotometricInterpretation)
        {
            case "RGB" when SamplesPerPixel == 3:
                ToSampleValues(bytes, rgb);
                return max;
            case "YBR_FULL" when SamplesPerPixel == 3:
            {
                ToSampleValues(bytes, rgb);
                float center = IsSigned ? 0 : 1 << (BitsStored - 1);
                var m = YbrToRgb;
                for (int i = 0; i < pixels; i++)
                {
                    var p = rgb.Slice(3 * i, 3);
                    double y = p[0];
                    double cb = p[1] - center;
                    double cr = p[2] - center;
                    p[0] = (float)Math.Clamp(y + (m[1] * cb) + (m[2] * cr), 0, max);
                    p[1] = (float)Math.Clamp(y + (m[4] * cb) + (m[5] * cr), 0, max);
                    p[2] = (float)Math.Clamp(y + (m[7] * cb) + (m[8] * cr), 0, max);
                }

                return max;
            }

            case "PALETTE COLOR" when SamplesPerPixel == 1:
            {
                var (red, green, blue) = ReadPalette();
                float[] index = ArrayPool<float>.Shared.Rent(pixels);
                try
                {
                    var idx = index.AsSpan(0, pixels);
                    ToSampleValues(bytes, idx);
                    Lookup(red, idx, rgb, 0);
                    Lookup(green, idx, rgb, 1);
                    Lookup(blue, idx, rgb, 2);
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(index);
                }

                return Math.Max(red.MaxEntryValue, Math.Max(green.MaxEntryValue, blue.MaxEntryValue));
            }

            default:
                throw new DicomDataException(
                    $"Photometric Interpretation {PhotometricInterpretation} with {SamplesPerPixel} samples per pixel cannot be converted to RGB.");
        }
    }

    private static void Lookup(LookupTable table, ReadOnlySpan<float> index, Span<float> rgb, int channel)
    {
        float[] e = table.EntryArray;
        int last = e.Length - 1;
        for (int i = 0; i < index.Length; i++)
        {
            rgb[(3 * i) + channel] = e[Math.Clamp((int)index[i] - table.FirstMapped, 0, last)];
        }
    }

    private (LookupTable Red, LookupTable Green, LookupTable Blue) ReadPalette()
    {
        if (Dataset.Contains(DicomTag.SegmentedRedPaletteColorLookupTableData) && !Dataset.Contains(DicomTag.RedPaletteColorLookupTableData))
        {
            return (
                LookupTable.ReadSegmented(Dataset, DicomTag.RedPaletteColorLookupTableDescriptor, DicomTag.SegmentedRedPaletteColorLookupTableData, IsSigned),
                LookupTable.ReadSegmented(Dataset, DicomTag.GreenPaletteColorLookupTableDescriptor, DicomTag.SegmentedGreenPaletteColorLookupTableData, IsSigned),
                LookupTable.ReadSegmented(Dataset, DicomTag.BluePaletteColorLookupTableDescriptor, DicomTag.SegmentedBluePaletteColorLookupTableData, IsSigned));
        }

        return (
            LookupTable.Read(Dataset, DicomTag.RedPaletteColorLookupTableDescriptor, DicomTag.RedPaletteColorLookupTableData, IsSigned),
            LookupTable.Read(Dataset, DicomTag.GreenPaletteColorLookupTableDescriptor, DicomTag.GreenPaletteColorLookupTableData, IsSigned),
            LookupTable.Read(Dataset, DicomTag.BluePaletteColorLookupTableDescriptor, DicomTag.BluePaletteColorLookupTableData, IsSigned));
    }

    private void ReadNativeFrame(int frame, Span<byte> destination)
    {
        long frameBits = StoredFrameBits;
        if (BitsAllocated == 1)
        {
            long startBit = frame * frameBits;
            long firstByte = startBit / 8;
            long lastByte = (startBit + frameBits + 7) / 8;
            byte[] packed = ArrayPool<byte>.Shared.Rent((int)(lastByte - firstByte));
            try
            {
                var p = packed.AsSpan(0, (int)(lastByte - firstByte));
                _native!.CopyTo(firstByte, p);
                int shift = (int)(startBit % 8);
                for (int i = 0; i < destination.Length; i++)
                {
                    int bit = i + shift;
                    destination[i] = (byte)((p[bit >> 3] >> (bit & 7)) & 1); // PS3.5 8.1.1: first pixel in the least significant bit
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(packed);
            }

            return;
        }

        int frameBytes = checked((int)(frameBits / 8));
        long start = frame * (long)frameBytes;

        // The reader turns big-endian OW into little-endian 16-bit words, which puts 8- and 16-bit samples in order;
        // a 32-bit sample then still has its two 16-bit halves exchanged.
        bool swapHalves = TransferSyntax.IsBigEndian && _native!.VR == DicomVR.OW && BitsAllocated == 32;
        byte[] stored = ArrayPool<byte>.Shared.Rent(frameBytes);
        try
        {
            var s = stored.AsSpan(0, frameBytes);
            _native!.CopyTo(start, s);
            if (swapHalves)
            {
                var words = MemoryMarshal.Cast<byte, uint>(s);
                for (int i = 0; i < words.Length; i++)
                {
                    words[i] = (words[i] >> 16) | (words[i] << 16);
                }
            }

            NativeToInterleaved(s, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    private void NativeToInterleaved(ReadOnlySpan<byte> stored, Span<byte> destination)
    {
        int bps = DecodedBytesPerSample;
        int pixels = Rows * Columns;
        if (PhotometricInterpretation == "YBR_FULL_422" && !TransferSyntax.IsEncapsulated)
        {
            // Y1 Y2 Cb Cr per pair of pixels (PS3.3 C.7.6.3.1.2) -> Y Cb Cr for each pixel (chroma replicated).
            for (int pair = 0; pair < pixels / 2; pair++)
            {
                var src = stored.Slice(pair * 4 * bps, 4 * bps);
                var d = destination.Slice(pair * 6 * bps, 6 * bps);
                src[..bps].CopyTo(d);
                src.Slice(2 * bps, 2 * bps).CopyTo(d[bps..]);
                src.Slice(bps, bps).CopyTo(d[(3 * bps)..]);
                src.Slice(2 * bps, 2 * bps).CopyTo(d[(4 * bps)..]);
            }

            return;
        }

        if (SamplesPerPixel == 1 || PlanarConfiguration == 0)
        {
            stored.CopyTo(destination);
            return;
        }

        int spp = SamplesPerPixel;
        for (int s = 0; s < spp; s++)
        {
            var plane = stored.Slice(s * pixels * bps, pixels * bps);
            for (int i = 0; i < pixels; i++)
            {
                plane.Slice(i * bps, bps).CopyTo(destination.Slice(((i * spp) + s) * bps, bps));
            }
        }
    }

    private void Validate()
    {
        if (Rows <= 0 || Columns <= 0)
        {
            throw new DicomDataException($"Invalid image size {Rows}x{Columns}.");
        }

        if (BitsAllocated is not (1 or 8 or 16 or 32))
        {
            throw new DicomDataException($"Bits Allocated {BitsAllocated} is not supported (1, 8, 16, 32).");
        }

        if (BitsStored < 1 || BitsStored > BitsAllocated || HighBit < BitsStored - 1 || HighBit >= BitsAllocated)
        {
            throw new DicomDataException($"Bits Stored {BitsStored} / High Bit {HighBit} do not fit Bits Allocated {BitsAllocated}.");
        }

        if (SamplesPerPixel is not (1 or 3))
        {
            throw new DicomDataException($"Samples per Pixel {SamplesPerPixel} is not supported (1, 3).");
        }

        if (PixelRepresentation is not (0 or 1) || PlanarConfiguration is not (0 or 1))
        {
            throw new DicomDataException("Pixel Representation and Planar Configuration must be 0 or 1.");
        }

        if ((long)Rows * Columns * SamplesPerPixel * Math.Max(1, BitsAllocated / 8) > int.MaxValue)
        {
            throw new DicomDataException($"A frame of {Rows}x{Columns}x{SamplesPerPixel} is too large.");
        }

        if (PhotometricInterpretation == "YBR_FULL_422" && (SamplesPerPixel != 3 || Columns % 2 != 0) && !TransferSyntax.IsEncapsulated)
        {
            throw new DicomDataException("Uncompressed YBR_FULL_422 needs 3 samples per pixel and an even number of columns.");
        }
    }

    private static (double, double, LookupTable?) ReadModalityLut(DicomDataset dataset)
    {
        var sequence = dataset.GetSequence(DicomTag.ModalityLUTSequence);
        if (sequence is { Items.Count: > 0 })
        {
            var item = sequence.Items[0];
            bool signed = OptionalInt(dataset, DicomTag.PixelRepresentation, 0) == 1;
            return (1, 0, LookupTable.Read(item, DicomTag.LUTDescriptor, DicomTag.LUTData, signed));
        }

        double slope = OptionalDouble(dataset, DicomTag.RescaleSlope, 1);
        double intercept = OptionalDouble(dataset, DicomTag.RescaleIntercept, 0);
        if (!double.IsFinite(slope) || !double.IsFinite(intercept))
        {
            throw new DicomDataException($"Rescale Slope {slope} / Intercept {intercept} are not finite.");
        }

        return (slope, intercept, null);
    }

    private static (VoiWindow?, LookupTable?) ReadVoi(DicomDataset dataset)
    {
        LookupTable? lut = null;
        var sequence = dataset.GetSequence(DicomTag.VOILUTSequence);
        if (sequence is { Items.Count: > 0 })
        {
            // VOI LUT input is the modality output: signed when the modality output can be negative.
            bool signed = OptionalInt(dataset, DicomTag.PixelRepresentation, 0) == 1 || OptionalDouble(dataset, DicomTag.RescaleIntercept, 0) < 0;
            lut = LookupTable.Read(sequence.Items[0], DicomTag.LUTDescriptor, DicomTag.LUTData, signed);
        }

        if (dataset.Contains(DicomTag.WindowCenter) && dataset.Contains(DicomTag.WindowWidth))
        {
            double center = FirstDouble(dataset, DicomTag.WindowCenter);
            double width = FirstDouble(dataset, DicomTag.WindowWidth);
            var function = dataset.Contains(DicomTag.VOILUTFunction)
                ? dataset.GetString(DicomTag.VOILUTFunction).Trim() switch
                {
                    "" or "LINEAR" => VoiFunction.Linear,
                    "LINEAR_EXACT" => VoiFunction.LinearExact,
                    "SIGMOID" => VoiFunction.Sigmoid,
                    var other => throw new DicomDataException($"VOI LUT Function '{other}' is not LINEAR, LINEAR_EXACT or SIGMOID."),
                }
                : VoiFunction.Linear;
            // Scanners do write windows the standard calls invalid (width 0, for instance); such a window says nothing
            // about display, so it is ignored like an absent one instead of making the pixels unreadable.
            var window = new VoiWindow(center, width, function);
            return (window.IsValid ? window : null, lut);
        }

        return (null, lut);
    }

    private static int RequiredInt(DicomDataset dataset, DicomTag tag) =>
        dataset.Contains(tag) ? OptionalInt(dataset, tag, 0) : throw new DicomDataException($"Image Pixel attribute {tag} is missing.");

    private static int OptionalInt(DicomDataset dataset, DicomTag tag, int defaultValue)
    {
        if (!dataset.Contains(tag))
        {
            return defaultValue;
        }

        string text = dataset.GetString(tag).Trim().TrimEnd('\0');
        if (text.Length == 0)
        {
            return defaultValue;
        }

        int backslash = text.IndexOf('\\', StringComparison.Ordinal);
        if (backslash >= 0)
        {
            text = text[..backslash];
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            throw new DicomDataException($"Attribute {tag} value '{text}' is not an integer.");
        }

        return value;
    }

    private static double OptionalDouble(DicomDataset dataset, DicomTag tag, double defaultValue) =>
        dataset.Contains(tag) && dataset.GetString(tag).Trim().Length > 0 ? FirstDouble(dataset, tag) : defaultValue;

    private static double FirstDouble(DicomDataset dataset, DicomTag tag)
    {
        string text = dataset.GetString(tag).Trim();
        int backslash = text.IndexOf('\\', StringComparison.Ordinal);
        if (backslash >= 0)
        {
            text = text[..backslash];
        }

        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new DicomDataException($"Attribute {tag} value '{text}' is not a number.");
        }

        return value;
    }

    private static double[] InverseYbrMatrix()
    {
        // PS3.3 C.7.6.3.1.2 defines YBR_FULL from RGB; invert that matrix exactly.
        double[,] f = { { 0.2990, 0.5870, 0.1140 }, { -0.1687, -0.3313, 0.5000 }, { 0.5000, -0.4187, -0.0813 } };
        double det = (f[0, 0] * ((f[1, 1] * f[2, 2]) - (f[1, 2] * f[2, 1])))
            - (f[0, 1] * ((f[1, 0] * f[2, 2]) - (f[1, 2] * f[2, 0])))
            + (f[0, 2] * ((f[1, 0] * f[2, 1]) - (f[1, 1] * f[2, 0])));
        var inv = new double[9];
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                int r1 = (c + 1) % 3, r2 = (c + 2) % 3, c1 = (r + 1) % 3, c2 = (r + 2) % 3;
                inv[(r * 3) + c] = ((f[r1, c1] * f[r2, c2]) - (f[r1, c2] * f[r2, c1])) / det;
            }
        }

        return inv;
    }
}
