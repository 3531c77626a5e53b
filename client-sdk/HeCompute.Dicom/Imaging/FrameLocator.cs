using System.Buffers.Binary;

namespace HeCompute.Dicom.Imaging;

/// <summary>Finds the fragments of each frame of encapsulated pixel data (PS3.5 A.4): from the Extended Offset
/// Table, else the Basic Offset Table, else one fragment per frame when the counts agree, else by the start of each
/// frame's codestream (JPEG SOI, JPEG 2000 SOC, an RLE header), else by the end of each (JPEG EOI). An offset table
/// that disagrees with the fragments (real writers produce one entry too many, or offsets that miss the items) is
/// set aside as pydicom, gdcm and dcmtk set it aside: the frames are located from the fragments, and a note says so.</summary>
internal static class FrameLocator
{
    /// <summary>For each frame, the index of its first fragment and the number of fragments; <paramref name="note"/>
    /// says when an offset table was set aside (null otherwise).</summary>
    public static (int First, int Count)[] Locate(DicomFragmentSequence sequence, int frameCount, DicomTransferSyntax syntax, out string? note)
    {
        note = null;
        var fragments = sequence.Fragments;
        if (fragments.Count == 0)
        {
            throw new DicomCodecException("Encapsulated pixel data has no fragments.");
        }

        if (frameCount == 1)
        {
            return [(0, fragments.Count)];
        }

        string? problem = null;
        if (sequence.ExtendedOffsetTable is { Count: > 0 } extended)
        {
            problem = TryFromOffsets(fragments, extended, frameCount, "Extended Offset Table", out var map);
            if (problem is null)
            {
                return map!;
            }
        }
        else if (sequence.BasicOffsetTable.Count > 0)
        {
            problem = TryFromOffsets(fragments, [.. sequence.BasicOffsetTable.Select(o => (ulong)o)], frameCount, "Basic Offset Table", out var map);
            if (problem is null)
            {
                return map!;
            }
        }

        if (problem is not null)
        {
            note = $"{problem}; the frames were located from the fragments instead.";
        }

        try
        {
            return FromFragments(fragments, frameCount, syntax);
        }
        catch (DicomCodecException e) when (problem is not null)
        {
            throw new DicomCodecException($"{problem}, and the fragments do not tell the frames apart either: {e.Message}", e);
        }
    }

    private static (int, int)[] FromFragments(IReadOnlyList<DicomFragment> fragments, int frameCount, DicomTransferSyntax syntax)
    {
        if (fragments.Count == frameCount)
        {
            return [.. Enumerable.Range(0, frameCount).Select(i => (i, 1))];
        }

        if (fragments.Count < frameCount)
        {
            throw new DicomCodecException($"Encapsulated pixel data has {fragments.Count} fragments for {frameCount} frames.");
        }

        var starts = new List<int>();
        for (int i = 0; i < fragments.Count; i++)
        {
            if (StartsFrame(fragments[i], syntax))
            {
                starts.Add(i);
            }
        }

        if (starts.Count == frameCount && starts[0] == 0)
        {
            return Ranges(starts, fragments.Count);
        }

        if (IsJpegFamily(syntax))
        {
            var ends = new List<int>();
            for (int i = 0; i < fragments.Count; i++)
            {
                if (EndsWithEoi(fragments[i]))
                {
                    ends.Add(i);
                }
            }

            if (ends.Count == frameCount && ends[^1] == fragments.Count - 1)
            {
                var fromEnds = new List<int> { 0 };
                fromEnds.AddRange(ends.Take(frameCount - 1).Select(e => e + 1));
                return Ranges(fromEnds, fragments.Count);
            }
        }

        throw new DicomCodecException(
            $"Cannot tell which of the {fragments.Count} fragments belong to which of the {frameCount} frames: the offset table is empty and the codestream boundaries are ambiguous.");
    }

    private static (int, int)[] Ranges(List<int> starts, int fragmentCount)
    {
        var result = new (int, int)[starts.Count];
        for (int f = 0; f < starts.Count; f++)
        {
            int end = f + 1 < starts.Count ? starts[f + 1] : fragmentCount;
            result[f] = (starts[f], end - starts[f]);
        }

        return result;
    }

    private static string? TryFromOffsets(IReadOnlyList<DicomFragment> fragments, IReadOnlyList<ulong> offsets, int frameCount, string table, out (int, int)[]? map)
    {
        map = null;
        if (offsets.Count != frameCount)
        {
            return $"The {table} has {offsets.Count} entries for {frameCount} frames";
        }

        var starts = new List<int>(frameCount);
        int index = 0;
        foreach (ulong offset in offsets)
        {
            while (index < fragments.Count && (ulong)fragments[index].ItemOffset < offset)
            {
                index++;
            }

            if (index >= fragments.Count || (ulong)fragments[index].ItemOffset != offset)
            {
                return $"The {table} entry {offset} does not point at the start of a fragment";
            }

            if (starts.Count > 0 && starts[^1] == index)
            {
                return $"The {table} is not strictly increasing";
            }

            starts.Add(index);
        }

        if (starts[0] != 0)
        {
            return $"The {table} does not start at the first fragment";
        }

        map = Ranges(starts, fragments.Count);
        return null;
    }

    private static bool IsJpegFamily(DicomTransferSyntax syntax) => syntax.Uid.StartsWith("1.2.840.10008.1.2.4.", StringComparison.Ordinal);

    private static bool StartsFrame(DicomFragment fragment, DicomTransferSyntax syntax)
    {
        if (fragment.Length < 4)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[8];
        int n = (int)Math.Min(8, fragment.Length);
        fragment.CopyTo(0, head[..n]);
        if (syntax.Uid == DicomTransferSyntax.RLELossless.Uid)
        {
            if (n < 8)
            {
                return false;
            }

            uint segments = BinaryPrimitives.ReadUInt32LittleEndian(head);
            uint first = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            return segments is >= 1 and <= 15 && first == 64;
        }

        return head[0] == 0xFF && (head[1] == 0xD8 || (head[1] == 0x4F && head[2] == 0xFF && head[3] == 0x51)) // JPEG/JPEG-LS SOI, J2K SOC+SIZ
            || (n >= 8 && head[4] == 0x6A && head[5] == 0x50 && head[6] == 0x20 && head[7] == 0x20); // JP2 signature box
    }

    private static bool EndsWithEoi(DicomFragment fragment)
    {
        if (fragment.Length < 2)
        {
            return false;
        }

        int n = (int)Math.Min(4, fragment.Length);
        Span<byte> tail = stackalloc byte[4];
        fragment.CopyTo(fragment.Length - n, tail[..n]);
        var t = tail[..n];
        int last = n - 1;
        while (last > 0 && t[last] == 0)
        {
            last--; // trailing padding to even length
        }

        return last >= 1 && t[last - 1] == 0xFF && t[last] == 0xD9;
    }
}
