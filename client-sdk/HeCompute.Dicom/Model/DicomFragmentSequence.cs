namespace HeCompute.Dicom;

/// <summary>
/// Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table (first item, possibly empty) and the fragments.
/// Offsets in the Basic and Extended Offset Tables count from the first byte of the first fragment's item tag, as
/// <see cref="DicomFragment.ItemOffset"/> does.
/// </summary>
public sealed class DicomFragmentSequence : DicomItem
{
    private readonly List<DicomFragment> _fragments = [];
    private long _nextItemOffset;

    /// <summary>Creates encapsulated pixel data.</summary>
    public DicomFragmentSequence(DicomTag tag, DicomVR vr, IEnumerable<uint> basicOffsetTable, IEnumerable<DicomFragment> fragments)
        : base(tag, vr)
    {
        ArgumentNullException.ThrowIfNull(basicOffsetTable);
        ArgumentNullException.ThrowIfNull(fragments);
        BasicOffsetTable = [.. basicOffsetTable];
        foreach (var fragment in fragments)
        {
            Add(fragment);
        }
    }

    /// <summary>The Basic Offset Table: the offset of each frame's first fragment; empty when the table is empty.</summary>
    public IReadOnlyList<uint> BasicOffsetTable { get; }

    /// <summary>Extended Offset Table (7FE0,0001) of the dataset, when it has one (offsets of each frame's first fragment).</summary>
    public IReadOnlyList<ulong>? ExtendedOffsetTable { get; set; }

    /// <summary>Extended Offset Table Lengths (7FE0,0002) of the dataset, when it has one (byte length of each frame).</summary>
    public IReadOnlyList<ulong>? ExtendedOffsetTableLengths { get; set; }

    /// <summary>The fragments in order (the offset table item excluded).</summary>
    public IReadOnlyList<DicomFragment> Fragments => _fragments;

    /// <summary>Appends a fragment.</summary>
    public void Add(DicomFragment fragment)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        fragment.ItemOffset = _nextItemOffset;
        _nextItemOffset += 8L + fragment.Length + (fragment.Length & 1); // as written: odd fragments are padded
        _fragments.Add(fragment);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Tag} {VR} encapsulated, {_fragments.Count} fragment(s), offset table of {BasicOffsetTable.Count}";
}

/// <summary>One fragment of encapsulated pixel data.</summary>
public sealed class DicomFragment
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly DeferredValue? _deferred;

    /// <summary>Creates an in-memory fragment.</summary>
    public DicomFragment(ReadOnlyMemory<byte> data)
    {
        if ((uint)data.Length > 0xFFFFFFFEu)
        {
            throw new ArgumentOutOfRangeException(nameof(data), "A fragment is at most 0xFFFFFFFE bytes.");
        }

        _data = data;
        Length = (uint)data.Length;
        Offset = -1;
    }

    internal DicomFragment(ReadOnlyMemory<byte> data, long offset)
        : this(data)
    {
        Offset = offset;
    }

    internal DicomFragment(DeferredValue deferred, long offset)
    {
        _deferred = deferred;
        Length = (uint)deferred.Length;
        Offset = offset;
    }

    /// <summary>Byte offset of the fragment's data (after its 8-byte item header) in the source file; -1 when not read from a file.</summary>
    public long Offset { get; }

    /// <summary>Length of the fragment's data in bytes.</summary>
    public uint Length { get; }

    /// <summary>Offset of this fragment's item tag from the first fragment's item tag (what offset tables refer to).</summary>
    public long ItemOffset { get; internal set; }

    /// <summary>True when the data stays in the source and is read on each access of <see cref="Data"/>.</summary>
    public bool IsDeferred => _deferred is not null;

    /// <summary>The fragment's bytes (read from the source on each access when deferred).</summary>
    /// <exception cref="DicomException">The source cannot be read any more.</exception>
    public ReadOnlyMemory<byte> Data => _deferred is null ? _data : _deferred.ReadAll(DicomTag.PixelData);

    /// <summary>Copies bytes [<paramref name="start"/>, start + destination.Length) of the fragment into <paramref name="destination"/>.</summary>
    public void CopyTo(long start, Span<byte> destination)
    {
        if (_deferred is not null)
        {
            _deferred.Read(start, destination);
            return;
        }

        if (start < 0 || start > _data.Length || destination.Length > _data.Length - start)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Range [{start}, {start + destination.Length}) is outside the fragment of length {_data.Length}.");
        }

        _data.Span.Slice((int)start, destination.Length).CopyTo(destination);
    }

    /// <inheritdoc />
    public override string ToString() => $"fragment of {Length} bytes at {Offset}";
}
