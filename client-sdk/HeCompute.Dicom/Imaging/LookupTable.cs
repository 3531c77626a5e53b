using System.Buffers.Binary;

namespace HeCompute.Dicom.Imaging;

/// <summary>A LUT given by a LUT Descriptor (number of entries, first stored value mapped, bits per entry) and LUT
/// Data (PS3.3 C.11.1.1): Modality LUT, VOI LUT and the Palette Color LUTs. Inputs below the first mapped value map
/// to the first entry, inputs past the last map to the last.</summary>
public sealed class LookupTable
{
    internal LookupTable(int firstMapped, int bitsPerEntry, float[] entries)
    {
        FirstMapped = firstMapped;
        BitsPerEntry = bitsPerEntry;
        Entries = entries;
    }

    /// <summary>The stored value mapped to the first entry.</summary>
    public int FirstMapped { get; }

    /// <summary>Bits per entry (8 or 16 typically).</summary>
    public int BitsPerEntry { get; }

    /// <summary>The entries.</summary>
    public IReadOnlyList<float> Entries { get; }

    /// <summary>The largest value an entry can hold, 2^bits - 1.</summary>
    public float MaxEntryValue => (float)((1L << BitsPerEntry) - 1);

    internal float[] EntryArray => (float[])Entries;

    /// <summary>Looks every value up in place.</summary>
    public void Apply(Span<float> values)
    {
        float[] e = EntryArray;
        int last = e.Length - 1;
        for (int i = 0; i < values.Length; i++)
        {
            int index = (int)Math.Clamp(MathF.Floor(values[i]) - FirstMapped, 0, last);
            values[i] = e[index];
        }
    }

    /// <summary>Reads a segmented Palette Color LUT (PS3.3 C.7.9.2): discrete, linear and indirect segments, expanded to the number of entries the descriptor declares.</summary>
    internal static LookupTable ReadSegmented(DicomDataset dataset, DicomTag descriptorTag, DicomTag dataTag, bool firstMappedSigned)
    {
        var (count, first, bits) = ReadDescriptor(dataset, descriptorTag, firstMappedSigned);
        var raw = (dataset.GetElement(dataTag)?.RawValue
            ?? throw new DicomDataException($"Segmented LUT data {dataTag} is missing.")).Span;
        // 8-bit tables come with 8-bit segment words (as in the standard colour palettes, PS3.6 Annex B); others with 16-bit words.
        int wordSize = bits <= 8 ? 1 : 2;
        var words = new int[raw.Length / wordSize];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = wordSize == 1 ? raw[i] : BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]);
        }

        var entries = new List<float>(count);
        ExpandSegments(words, 0, words.Length, int.MaxValue, entries, count, 0);
        if (entries.Count < count)
        {
            throw new DicomDataException($"Segmented LUT {dataTag} expands to {entries.Count} entries; the descriptor declares {count}.");
        }

        return new LookupTable(first, bits, [.. entries.Take(count)]);
    }

    private static void ExpandSegments(int[] words, int start, int end, int maxSegments, List<float> entries, int count, int depth)
    {
        if (depth > 2)
        {
            throw new DicomDataException("Segmented LUT indirect segments nest too deeply.");
        }

        int position = start;
        for (int segment = 0; segment < maxSegments && position < end; segment++)
        {
            if (position + 1 >= words.Length)
            {
                throw new DicomDataException("Segmented LUT segment is truncated.");
            }

            int opcode = words[position];
            int length = words[position + 1];
            switch (opcode)
            {
                case 0: // discrete
                    if (position + 2 + length > words.Length)
                    {
                        throw new DicomDataException("Segmented LUT discrete segment is truncated.");
                    }

                    for (int i = 0; i < length; i++)
                    {
                        entries.Add(words[position + 2 + i]);
                    }

                    position += 2 + length;
                    break;
                case 1: // linear, from the previous entry to y1 over length entries
                {
                    if (entries.Count == 0 || position + 2 >= words.Length)
                    {
                        throw new DicomDataException("Segmented LUT linear segment has no start value.");
                    }

                    double y0 = entries[^1];
                    double y1 = words[position + 2];
                    for (int i = 1; i <= length; i++)
                    {
                        entries.Add((float)Math.Round(y0 + ((y1 - y0) * i / length), MidpointRounding.ToEven));
                    }

                    position += 3;
                    break;
                }

                case 2: // indirect: repeat `length` segments found at a word offset
                {
                    if (position + 3 >= words.Length)
                    {
                        throw new DicomDataException("Segmented LUT indirect segment is truncated.");
                    }

                    int offset = words[position + 2] | (words[position + 3] << 16);
                    if (offset < 0 || offset >= words.Length)
                    {
                        throw new DicomDataException("Segmented LUT indirect segment points outside the data.");
                    }

                    ExpandSegments(words, offset, words.Length, length, entries, count, depth + 1);
                    position += 4;
                    break;
                }

                default:
                    throw new DicomDataException($"Segmented LUT has an unknown segment type {opcode}.");
            }

            if (entries.Count > 65536)
            {
                throw new DicomDataException("Segmented LUT expands past 65536 entries.");
            }
        }
    }

    private static (int Count, int First, int Bits) ReadDescriptor(DicomDataset dataset, DicomTag descriptorTag, bool firstMappedSigned)
    {
        var descriptor = dataset.GetElement(descriptorTag)?.RawValue
            ?? throw new DicomDataException($"LUT descriptor {descriptorTag} is missing.");
        if (descriptor.Length < 6)
        {
            throw new DicomDataException($"LUT descriptor {descriptorTag} has {descriptor.Length} bytes; it needs three 16-bit values.");
        }

        var d = descriptor.Span;
        int count = BinaryPrimitives.ReadUInt16LittleEndian(d);
        if (count == 0)
        {
            count = 65536;
        }

        int first = firstMappedSigned ? BinaryPrimitives.ReadInt16LittleEndian(d[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(d[2..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(d[4..]);
        if (bits is < 1 or > 16)
        {
            throw new DicomDataException($"LUT descriptor {descriptorTag} declares {bits} bits per entry.");
        }

        return (count, first, bits);
    }

    /// <summary>Reads a LUT from a descriptor element (US or SS, three values) and a data element (OW/US/SS or 8-bit
    /// packed). <paramref name="firstMappedSigned"/> says to read the second descriptor value as signed.</summary>
    internal static LookupTable Read(DicomDataset dataset, DicomTag descriptorTag, DicomTag dataTag, bool firstMappedSigned, bool dataSigned = false)
    {
        var (count, first, bits) = ReadDescriptor(dataset, descriptorTag, firstMappedSigned);
        var data = (dataset.GetElement(dataTag)?.RawValue
            ?? throw new DicomDataException($"LUT data {dataTag} is missing.")).Span;
        var entries = new float[count];
        if (data.Length >= 2 * count)
        {
            for (int i = 0; i < count; i++)
            {
                int v = dataSigned ? BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]);
                entries[i] = v;
            }

            if (bits <= 8 && entries.Any(v => v > 255))
            {
                // 8-bit entries stored one per 16-bit word in the high byte.
                for (int i = 0; i < count; i++)
                {
                    entries[i] = (int)entries[i] >> 8;
                }
            }
        }
        else if (bits <= 8 && data.Length >= count)
        {
            for (int i = 0; i < count; i++)
            {
                entries[i] = data[i]; // 8-bit entries packed two per word (little-endian order)
            }
        }
        else
        {
            throw new DicomDataException($"LUT data {dataTag} has {data.Length} bytes for {count} entries of {bits} bits.");
        }

        return new LookupTable(first, bits, entries);
    }
}
