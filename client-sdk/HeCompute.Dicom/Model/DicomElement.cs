namespace HeCompute.Dicom;

/// <summary>
/// A data element with a value (every VR except SQ). <see cref="RawValue"/> holds the value bytes as stored, in little-endian
/// byte order (values read from big-endian files are swapped by VR). Typed access goes through the owning
/// <see cref="DicomDataset"/>, which knows the character set.
/// </summary>
public sealed class DicomElement : DicomItem
{
    private readonly ReadOnlyMemory<byte> _value;
    private readonly DeferredValue? _deferred;

    /// <summary>Creates an element holding <paramref name="value"/> (little-endian bytes, not copied).</summary>
    public DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value)
        : base(tag, vr)
    {
        if (vr == DicomVR.SQ)
        {
            throw new ArgumentException("Use DicomSequence for SQ elements.", nameof(vr));
        }

        _value = value;
    }

    internal DicomElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value, long? valueOffset)
        : base(tag, vr)
    {
        _value = value;
        ValueOffset = valueOffset;
    }

    internal DicomElement(DicomTag tag, DicomVR vr, DeferredValue deferred, long? valueOffset)
        : base(tag, vr)
    {
        _deferred = deferred;
        ValueOffset = valueOffset;
    }

    /// <summary>
    /// Creates an element whose <paramref name="length"/> bytes are produced on demand by <paramref name="reader"/>
    /// (for example a large pixel data value streamed to the writer frame by frame).
    /// </summary>
    public static DicomElement CreateDeferred(DicomTag tag, DicomVR vr, long length, DicomValueReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (vr == DicomVR.SQ)
        {
            throw new ArgumentException("Use DicomSequence for SQ elements.", nameof(vr));
        }

        return new DicomElement(tag, vr, new DeferredValue(reader, length, 1), null);
    }

    /// <summary>Byte offset of the value in the source file, when it was read from a file (null for deflated input and created elements).</summary>
    public long? ValueOffset { get; }

    /// <summary>Length of the value in bytes (known without loading a deferred value).</summary>
    public long Length => _deferred?.Length ?? _value.Length;

    /// <summary>True when the value was not read into memory: <see cref="RawValue"/> and <see cref="CopyTo"/> read it from the source on each call.</summary>
    public bool IsDeferred => _deferred is not null;

    /// <summary>
    /// The value bytes, little-endian. For a deferred value (pixel data opened with <see cref="DicomReadOptions.DeferPixelData"/>)
    /// each access reads the whole value from the source and nothing is cached; use <see cref="CopyTo"/> to read a part (a frame).
    /// </summary>
    /// <exception cref="DicomException">The source cannot be read any more, or the value is larger than an array.</exception>
    public ReadOnlyMemory<byte> RawValue => _deferred is null ? _value : _deferred.ReadAll(Tag);

    /// <summary>Copies bytes [<paramref name="start"/>, start + destination.Length) of the value (little-endian) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the value.</exception>
    /// <exception cref="DicomException">The source cannot be read any more.</exception>
    public void CopyTo(long start, Span<byte> destination)
    {
        if (_deferred is not null)
        {
            _deferred.Read(start, destination);
            return;
        }

        if (start < 0 || start > _value.Length || destination.Length > _value.Length - start)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Range [{start}, {start + destination.Length}) is outside the value of length {_value.Length}.");
        }

        _value.Span.Slice((int)start, destination.Length).CopyTo(destination);
    }

    /// <summary>Returns this element with an in-memory copy of its value (the element itself when already in memory).</summary>
    public DicomElement Load() => _deferred is null ? this : new DicomElement(Tag, VR, _deferred.ReadAll(Tag), ValueOffset);

    /// <inheritdoc />
    public override string ToString() => $"{Tag} {VR} length {Length}{(IsDeferred ? " (deferred)" : string.Empty)}";
}
