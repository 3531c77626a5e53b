using HeCompute.Ckks.Serialization;

namespace HeCompute.Ckks;

/// <summary>
/// Key-switching keys (SEALNet's <c>KSwitchKeys</c>): a list of keys, each a list of one <see cref="PublicKey"/> per
/// data prime. Key j of an entry encrypts [P mod q_j]·s′ in RNS slot j under s, where P is the special prime.
/// </summary>
public class KSwitchKeys : IDisposable
{
    private List<PublicKey[]> _keys = [];

    /// <summary>Creates empty keys.</summary>
    public KSwitchKeys()
    {
    }

    /// <summary>Copies keys.</summary>
    public KSwitchKeys(KSwitchKeys copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        ParmsId = copy.ParmsId;
        _keys = copy._keys.Select(entry => entry.Select(k => new PublicKey(k)).ToArray()).ToList();
    }

    /// <summary>Number of non-empty entries.</summary>
    public ulong Size => (ulong)_keys.Count(entry => entry.Length > 0);

    /// <summary>The key level's parms_id.</summary>
    public ParmsId ParmsId { get; set; }

    /// <summary>Every entry (empty entries included, as SEAL stores them).</summary>
    public IEnumerable<IEnumerable<PublicKey>> Data => _keys;

    internal int EntryCount => _keys.Count;

    internal PublicKey[] Entry(int index) => _keys[index];

    internal void Resize(int entries)
    {
        while (_keys.Count < entries)
        {
            _keys.Add([]);
        }

        if (_keys.Count > entries)
        {
            _keys.RemoveRange(entries, _keys.Count - entries);
        }
    }

    internal void SetEntry(int index, PublicKey[] keys) => _keys[index] = keys;

    private long BodySize
    {
        get
        {
            var size = ParmsId.ByteCount + 8L;
            foreach (var entry in _keys)
            {
                size += 8;
                foreach (var key in entry)
                {
                    size += key.NestedSize;
                }
            }

            return size;
        }
    }

    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    public long SaveSize(ComprModeType? comprMode = null) =>
        SealSerialization.SaveSize(BodySize, comprMode ?? SealSerialization.ComprModeDefault);

    /// <summary>Saves in SEAL's format.</summary>
    public long Save(Stream stream, ComprModeType? comprMode = null)
    {
        var writer = new SealBodyWriter(checked((int)BodySize));
        Span<byte> id = stackalloc byte[ParmsId.ByteCount];
        ParmsId.Write(id);
        writer.WriteBytes(id);
        writer.WriteUInt64((ulong)_keys.Count);
        foreach (var entry in _keys)
        {
            writer.WriteUInt64((ulong)entry.Length);
            foreach (var key in entry)
            {
                key.WriteNested(writer);
            }
        }

        return SealSerialization.Save(stream, comprMode ?? SealSerialization.ComprModeDefault, writer.WrittenSpan);
    }

    /// <summary>Loads keys saved by SEAL or by <see cref="Save"/> (also SEAL's seeded form), checking them against the context.</summary>
    public long Load(SEALContext context, Stream stream) => Load(context, stream, SerializationLimits.Default.MaxObjectBytes);

    /// <summary>As <see cref="Load(SEALContext, Stream)"/>, refusing objects larger than <paramref name="maxBytes"/> before allocating.</summary>
    public long Load(SEALContext context, Stream stream, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ThrowIfNotSet();
        var body = SealSerialization.ReadBody(stream, maxBytes, out var header);
        var reader = new SealBodyReader(body);
        Span<byte> id = stackalloc byte[ParmsId.ByteCount];
        reader.ReadBytes(id);
        var parmsId = ParmsId.Read(id);
        if (parmsId != context.KeyParmsId)
        {
            throw new SealFormatException($"Key-switching keys are at the key level {context.KeyParmsId}, not {parmsId}.", 0);
        }

        var outerOffset = reader.Position;
        var outer = reader.ReadUInt64();
        if (outer > (ulong)context.KeyContextData.N)
        {
            throw new SealFormatException($"Key-switching keys declare {outer} entries; at most N = {context.KeyContextData.N} are possible.", outerOffset);
        }

        var decomposition = (ulong)context.FirstContextData.CoeffModulusSize;
        var keys = new List<PublicKey[]>((int)Math.Min(outer, 64));
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
                entry[j] = new PublicKey(PublicKey.ReadKeyBody(context, ref reader));
                if (reader.Position - start != keyBody)
                {
                    throw new SealFormatException("A key's declared size does not match its contents.", keyOffset);
                }
            }

            keys.Add(entry);
        }

        reader.EnsureEnd();
        ValidateEntries(context, keys);
        ParmsId = parmsId;
        _keys = keys;
        return (long)header.Size;
    }

    /// <summary>Lets subclasses refuse an entry layout that is valid on the wire but not for their kind of key.</summary>
    private protected virtual void ValidateEntries(SEALContext context, List<PublicKey[]> keys)
    {
    }

    /// <summary>Releases the storage (SEALNet code disposes keys with <c>using</c>).</summary>
    public void Dispose()
    {
        _keys.Clear();
        GC.SuppressFinalize(this);
    }
}
