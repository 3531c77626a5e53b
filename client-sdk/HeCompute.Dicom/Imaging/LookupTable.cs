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

    /// <summary>Reads a LUT from a descriptor element (US or SS, three values) and a data element (OW/US/SS or 8-bit
    /// packed). <paramref name="firstMappedSigned"/> says to read the second descriptor value as signed.</summary>
    internal static LookupTable Read(DicomDataset dataset, DicomTag descriptorTag, DicomTag dataTag, bool firstMappedSigned, bool dataSigned = false)
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
