namespace HeCompute.Dicom;

/// <summary>A data element of a dataset: a value element, a sequence, or encapsulated pixel data.</summary>
public abstract class DicomItem
{
    /// <summary>Creates an item.</summary>
    protected DicomItem(DicomTag tag, DicomVR vr)
    {
        Tag = tag;
        VR = vr;
    }

    /// <summary>The attribute tag.</summary>
    public DicomTag Tag { get; }

    /// <summary>The value representation (as read from the file in explicit VR, from the dictionary in implicit VR).</summary>
    public DicomVR VR { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Tag} {VR}";
}

/// <summary>Reads <paramref name="destination"/>.Length bytes of a value starting at byte <paramref name="offset"/> of the value.</summary>
public delegate void DicomValueReader(long offset, Span<byte> destination);

/// <summary>A value that lives outside memory (in the source file) and is read on demand.</summary>
internal sealed class DeferredValue
{
    private readonly DicomValueReader _reader;

    internal DeferredValue(DicomValueReader reader, long length, int swapUnit)
    {
        _reader = reader;
        Length = length;
        SwapUnit = swapUnit;
    }

    internal long Length { get; }

    /// <summary>1 when stored little endian; 2, 4 or 8 when stored big endian and each unit of that size must be swapped.</summary>
    internal int SwapUnit { get; }

    internal void Read(long start, Span<byte> destination)
    {
        if (start < 0 || start > Length || destination.Length > Length - start)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Range [{start}, {start + destination.Length}) is outside the value of length {Length}.");
        }

        if (destination.IsEmpty)
        {
            return;
        }

        if (SwapUnit <= 1)
        {
            _reader(start, destination);
            return;
        }

        long alignedStart = start - (start % SwapUnit);
        long end = start + destination.Length;
        long alignedEnd = Math.Min(Length, (end + SwapUnit - 1) / SwapUnit * SwapUnit);
        if (alignedStart == start && alignedEnd == end)
        {
            _reader(start, destination);
            ByteSwap.InPlace(destination, SwapUnit);
            return;
        }

        byte[] temp = new byte[alignedEnd - alignedStart];
        _reader(alignedStart, temp);
        ByteSwap.InPlace(temp, SwapUnit);
        temp.AsSpan((int)(start - alignedStart), destination.Length).CopyTo(destination);
    }

    internal byte[] ReadAll(DicomTag tag)
    {
        if (Length > Array.MaxLength)
        {
            throw new DicomException($"Value of {tag} is {Length} bytes, more than one array can hold; read it in parts with CopyTo.");
        }

        byte[] bytes = new byte[Length];
        Read(0, bytes);
        return bytes;
    }
}

/// <summary>Byte-order reversal of fixed-size units.</summary>
internal static class ByteSwap
{
    internal static void InPlace(Span<byte> data, int unit)
    {
        int n = data.Length - (data.Length % unit);
        switch (unit)
        {
            case 2:
                for (int i = 0; i < n; i += 2)
                {
                    (data[i], data[i + 1]) = (data[i + 1], data[i]);
                }

                break;
            case 4:
                for (int i = 0; i < n; i += 4)
                {
                    data.Slice(i, 4).Reverse();
                }

                break;
            case 8:
                for (int i = 0; i < n; i += 8)
                {
                    data.Slice(i, 8).Reverse();
                }

                break;
        }
    }
}
