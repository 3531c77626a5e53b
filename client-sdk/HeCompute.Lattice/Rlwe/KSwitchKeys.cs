using HeCompute.Lattice.Serialization;

namespace HeCompute.Lattice.Rlwe;

/// <summary>
/// Key-switching keys, SEAL's <c>KSwitchKeys</c> wire object: a list of entries, each one <see cref="SwitchingKey"/>
/// (empty for an absent key).
/// </summary>
public class KSwitchKeys : ISealObject
{
    private List<SwitchingKey> _keys = [];

    /// <summary>Creates empty keys.</summary>
    public KSwitchKeys()
    {
    }

    /// <summary>Copies keys.</summary>
    public KSwitchKeys(KSwitchKeys copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        Set(copy);
    }

    /// <summary>Makes these keys a copy of <paramref name="other"/>.</summary>
    public void Set(KSwitchKeys other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return;
        }

        ParmsId = other.ParmsId;
        _keys = other._keys.Select(entry => new SwitchingKey(entry.Parts.Select(k => new PublicKey(k)).ToArray())).ToList();
    }

    /// <summary>Number of non-empty entries.</summary>
    public int Size => _keys.Count(entry => entry.PartCount > 0);

    /// <summary>The key level's parms_id.</summary>
    public ParmsId ParmsId { get; set; }

    /// <summary>Every entry (empty entries included, as SEAL stores them).</summary>
    public IReadOnlyList<SwitchingKey> Entries => _keys;

    internal int EntryCount => _keys.Count;

    internal SwitchingKey Entry(int index) => _keys[index];

    internal void Resize(int entries)
    {
        while (_keys.Count < entries)
        {
            _keys.Add(SwitchingKey.Empty);
        }

        if (_keys.Count > entries)
        {
            _keys.RemoveRange(entries, _keys.Count - entries);
        }
    }

    internal void SetEntry(int index, SwitchingKey key) => _keys[index] = key;

    private long BodySize
    {
        get
        {
            var size = ParmsId.ByteCount + 8L;
            foreach (var entry in _keys)
            {
                size += 8;
                foreach (var key in entry.Parts)
                {
                    size += key.NestedSize;
                }
            }

            return size;
        }
    }

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(CompressionMode? compression = null) =>
        SealSerialization.SaveSize(BodySize, compression ?? SealSerialization.DefaultCompression);

    /// <summary>Saves in SEAL's format.</summary>
    public long Save(Stream stream, CompressionMode? compression = null)
    {
        var writer = new SealBodyWriter(checked((int)BodySize));
        Span<byte> id = stackalloc byte[ParmsId.ByteCount];
        ParmsId.Write(id);
        writer.WriteBytes(id);
        writer.WriteUInt64((ulong)_keys.Count);
        foreach (var entry in _keys)
        {
            writer.WriteUInt64((ulong)entry.PartCount);
            foreach (var key in entry.Parts)
            {
                key.WriteNested(writer);
            }
        }

        return SealSerialization.Save(stream, compression ?? SealSerialization.DefaultCompression, writer.WrittenSpan);
    }

    /// <summary>Loads keys saved by SEAL or by <see cref="Save"/> (also SEAL's seeded form), checking them against the parameters.</summary>
    public long Load(Parameters parameters, Stream stream) => Load(parameters, stream, SerializationLimits.Default.MaxObjectBytes);

    /// <summary>As <see cref="Load(Parameters, Stream)"/>, refusing objects larger than <paramref name="maxBytes"/> before allocating.</summary>
    public long Load(Parameters parameters, Stream stream, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var body = SealSerialization.ReadBody(stream, maxBytes, out var header);
        var reader = new SealBodyReader(body);
        Span<byte> id = stackalloc byte[ParmsId.ByteCount];
        reader.ReadBytes(id);
        var parmsId = ParmsId.Read(id);
        if (parmsId != parameters.KeyParmsId)
        {
            throw new SealFormatException($"Key-switching keys are at the key level {parameters.KeyParmsId}, not {parmsId}.", 0);
        }

        var outerOffset = reader.Position;
        var outer = reader.ReadUInt64();
        if (outer > (ulong)parameters.KeyLevel.N)
        {
            throw new SealFormatException($"Key-switching keys declare {outer} entries; at most N = {parameters.KeyLevel.N} are possible.", outerOffset);
        }

        var decomposition = (ulong)parameters.FirstLevel.CoeffModulusSize;
        var keys = new List<SwitchingKey>((int)Math.Min(outer, 64));
        for (var index = 0UL; index < outer; index++)
        {
            var innerOffset = reader.Position;
            var inner = reader.ReadUInt64();
            if (inner != 0 && inner != decomposition)
            {
                throw new SealFormatException($"Key-switching key {index} has {inner} parts; the parameters need {decomposition} (or 0 for an absent key).", innerOffset);
            }

            var entry = new PublicKey[inner];
            for (var j = 0; j < entry.Length; j++)
            {
                var keyOffset = reader.Position;
                var keyBody = NestedObjects.ReadHeader(ref reader, reader.Remaining);
                var start = reader.Position;
                entry[j] = new PublicKey(PublicKey.ReadKeyBody(parameters, ref reader));
                if (reader.Position - start != keyBody)
                {
                    throw new SealFormatException("A key's declared size does not match its contents.", keyOffset);
                }
            }

            keys.Add(entry.Length == 0 ? SwitchingKey.Empty : new SwitchingKey(entry));
        }

        reader.EnsureEnd();
        ParmsId = parmsId;
        _keys = keys;
        return (long)header.Size;
    }

    /// <summary>Releases the storage .</summary>
    public void Dispose()
    {
        _keys.Clear();
        GC.SuppressFinalize(this);
    }
}
