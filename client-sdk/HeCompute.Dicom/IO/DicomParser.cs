using System.Buffers.Binary;

namespace HeCompute.Dicom.IO;

/// <summary>Parses dataset encodings (PS3.5 section 7) from a <see cref="DicomInput"/>.</summary>
internal sealed class DicomParser
{
    internal const uint UndefinedLength = 0xFFFFFFFF;

    private readonly DicomInput _in;
    private readonly DicomReadOptions _options;
    private readonly DicomValueSource? _deferSource;
    private long _allocated;
    private long _steps;

    // The top-level element being read (tag and header offset), for the report of a partial read.
    private (DicomTag? Tag, long Offset)? _current;

    /// <summary>With <see cref="DicomReadOptions.Partial"/>: the top-level element a read stopped at, else null.</summary>
    internal DicomUnsoundElement? Unsound { get; private set; }

    /// <summary>Whether unsound elements are being reported as part of the File Meta Information.</summary>
    internal bool ReadingMeta { get; set; }

    internal DicomParser(DicomInput input, DicomReadOptions options, DicomValueSource? deferSource)
    {
        _in = input;
        _options = options;
        _deferSource = deferSource;
    }

    /// <summary>The encoding of a dataset being parsed.</summary>
    internal readonly record struct Encoding(bool ExplicitVR, bool BigEndian)
    {
        internal static Encoding ImplicitLittle => new(false, false);

        internal static Encoding Of(DicomTransferSyntax ts) => new(ts.IsExplicitVR, ts.IsBigEndian);
    }

    /// <summary>
    /// Reads data elements into <paramref name="ds"/> until <paramref name="end"/> (absolute position, defined-length item),
    /// an item delimiter (<paramref name="undefinedItem"/>), the end of data (top level) or a tag for which
    /// <paramref name="stopBefore"/> is true (left unread).
    /// </summary>
    internal void ReadDataset(DicomDataset ds, Encoding enc, long? end, bool undefinedItem, int depth, Func<DicomTag, bool>? stopBefore)
    {
        ReadElements(ds, enc, end, undefinedItem, depth, stopBefore);
        LinkExtendedOffsetTable(ds);
    }

    private void ReadElements(DicomDataset ds, Encoding enc, long? end, bool undefinedItem, int depth, Func<DicomTag, bool>? stopBefore)
    {
        if (depth > 0 || !_options.Partial)
        {
            ReadElementsCore(ds, enc, end, undefinedItem, depth, stopBefore);
            return;
        }

        // A partial read: an element is added only once it is read whole, so stopping at the first failure keeps
        // exactly the sound elements before it.
        _current = null;
        long position = _in.Position;
        try
        {
            ReadElementsCore(ds, enc, end, undefinedItem, depth, stopBefore);
        }
        catch (DicomFormatException ex)
        {
            Unsound = new DicomUnsoundElement(_current?.Tag, _current?.Offset ?? position, ex.Message, ReadingMeta);
        }
    }

    private void ReadElementsCore(DicomDataset ds, Encoding enc, long? end, bool undefinedItem, int depth, Func<DicomTag, bool>? stopBefore)
    {
        bool topLevel = depth == 0;
        while (true)
        {
            Step();
            long headerOffset = _in.Position;
            if (topLevel)
            {
                _current = (null, headerOffset);
            }
            if (end is { } e)
            {
                if (headerOffset == e)
                {
                    return;
                }

                if (headerOffset > e)
                {
                    throw _in.Error($"An element runs {headerOffset - e} byte(s) past the end of its item", e);
                }
            }
            else if (!undefinedItem && _in.AtEnd)
            {
                return;
            }

            var peek = _in.Peek(4);
            if (peek.Length < 4)
            {
                throw _in.Error(undefinedItem ? "Data ended inside an item (no item delimiter)" : "Data ended inside an element tag", headerOffset);
            }

            var tag = new DicomTag(Read16(peek, enc.BigEndian), Read16(peek[2..], enc.BigEndian));
            if (stopBefore?.Invoke(tag) == true)
            {
                return;
            }

            if (topLevel)
            {
                _current = (tag, headerOffset);
            }

            _in.Skip(4);
            if (tag.Group == 0xFFFE)
            {
                uint delimiterLength = _in.ReadUInt32(enc.BigEndian);
                if (tag == DicomTag.ItemDelimitationItem && undefinedItem)
                {
                    return;
                }

                if ((tag == DicomTag.ItemDelimitationItem || tag == DicomTag.SequenceDelimitationItem) && delimiterLength == 0 && !undefinedItem)
                {
                    continue; // stray delimiter, as some writers leave after a defined-length item or at the top level
                }

                throw _in.Error($"Unexpected {tag} in a dataset", headerOffset);
            }

            if (topLevel && tag.Value == 0 && end is null)
            {
                // Trailing zero padding after the dataset (some writers pad files to a block size).
                if (_in.RestIsZero())
                {
                    return;
                }

                throw _in.Error("Element (0000,0000) followed by non-zero data in a dataset", headerOffset);
            }

            DicomVR vr;
            uint length;
            bool known = true;
            if (enc.ExplicitVR)
            {
                var vrBytes = _in.Peek(2);
                if (vrBytes.Length < 2)
                {
                    throw _in.Error($"Data ended inside the header of {tag}", headerOffset);
                }

                if (!DicomVRInfo.TryParse(vrBytes[0], vrBytes[1], out vr))
                {
                    // Not a VR: some writers switch to implicit VR inside explicit VR data (notably in sequence items);
                    // read this element as implicit VR, as pydicom and dcmtk do.
                    length = _in.ReadUInt32(enc.BigEndian);
                    vr = ImplicitVR(tag, ds, out known);
                }
                else
                {
                    _in.Skip(2);
                    if (DicomVRInfo.HasLongLength(vr))
                    {
                        _in.Skip(2);
                        length = _in.ReadUInt32(enc.BigEndian);
                    }
                    else
                    {
                        length = _in.ReadUInt16(enc.BigEndian);
                    }
                }
            }
            else
            {
                length = _in.ReadUInt32(false);
                vr = ImplicitVR(tag, ds, out known);
            }

            var item = ReadValue(ds, tag, vr, length, known, enc, end, depth, headerOffset);
            if (item is not null)
            {
                ds.AddRead(item);
            }
        }
    }

    private DicomItem? ReadValue(DicomDataset ds, DicomTag tag, DicomVR vr, uint length, bool known, Encoding enc, long? end, int depth, long headerOffset)
    {
        bool isPixelData = tag == DicomTag.PixelData;
        if (length == UndefinedLength)
        {
            if (isPixelData && vr != DicomVR.SQ)
            {
                // Encapsulated pixel data is OB (PS3.5 A.4); an explicit OW is kept as written.
                return ReadFragments(tag, enc.ExplicitVR && vr == DicomVR.OW ? DicomVR.OW : DicomVR.OB, enc, end, depth);
            }

            if (vr == DicomVR.SQ || vr == DicomVR.UN || !known)
            {
                // UN of undefined length holds a sequence encoded in Implicit VR Little Endian (PS3.5 6.2.2).
                var contents = vr == DicomVR.UN && enc.ExplicitVR ? Encoding.ImplicitLittle : enc;
                return ReadSequence(ds, tag, contents, null, end, depth);
            }

            throw _in.Error($"{tag} {vr} has undefined length, which only sequences and encapsulated pixel data may have", headerOffset);
        }

        long valueOffset = _in.Position;
        long? remaining = _in.Remaining(end);
        if (remaining is { } r && length > r)
        {
            throw _in.Error($"{tag} {vr} declares {length} byte(s) but only {r} remain{(end is null ? string.Empty : " in its item")}", headerOffset);
        }

        if (vr == DicomVR.SQ)
        {
            return ReadSequence(ds, tag, enc, valueOffset + length, end, depth);
        }

        if (length >= 8 && (vr == DicomVR.UN || !known)
            && (LooksLikeItem() || (DicomDictionary.Default.TryGet(tag, out var entry) && entry.DefaultVR == DicomVR.SQ)))
        {
            // A UN value holding a sequence (encoded in Implicit VR Little Endian, PS3.5 6.2.2), or an implicit VR private
            // sequence of defined length: parse the items; if they do not parse, keep the bytes.
            byte[] bytes = ReadAllocated(length, tag, headerOffset);
            var contents = vr == DicomVR.UN && enc.ExplicitVR ? Encoding.ImplicitLittle : enc;
            return (DicomItem?)TryParseSequence(ds, tag, bytes, valueOffset, contents, depth) ?? new DicomElement(tag, vr, bytes, _in.Where is null ? valueOffset : null);
        }

        bool deferrable = depth == 0 && _deferSource is not null && _options.DeferPixelData
            && (isPixelData || tag == DicomTag.FloatPixelData || tag == DicomTag.DoubleFloatPixelData);
        int swapUnit = enc.BigEndian ? Math.Max(1, DicomVRInfo.UnitSize(vr)) : 1;
        if (deferrable && length > 0)
        {
            var deferred = new DeferredValue(_deferSource!.ReaderAt(valueOffset), length, swapUnit);
            _in.Skip(length);
            return new DicomElement(tag, vr, deferred, valueOffset);
        }

        byte[] value = ReadAllocated(length, tag, headerOffset);
        if (swapUnit > 1)
        {
            ByteSwap.InPlace(value, swapUnit);
        }

        return new DicomElement(tag, vr, value, _in.Where is null ? valueOffset : null);
    }

    private DicomSequence? TryParseSequence(DicomDataset parent, DicomTag tag, byte[] bytes, long valueOffset, Encoding enc, int depth)
    {
        var input = new DicomInput(new MemoryStream(bytes, writable: false), valueOffset, valueOffset + bytes.Length, _in.Where, valueOffset);
        var parser = new DicomParser(input, _options, null) { _steps = _steps };
        try
        {
            var sequence = parser.ReadSequence(parent, tag, enc, valueOffset + bytes.Length, null, depth);
            _allocated += parser._allocated;
            return sequence;
        }
        catch (DicomFormatException)
        {
            return null;
        }
        finally
        {
            // A failed attempt still cost its passes: re-parsing nested UN contents must not escape the step budget.
            _steps = parser._steps;
        }
    }

    /// <summary>
    /// Counts one pass of a parsing loop against <see cref="DicomReadOptions.MaxParserSteps"/>. Every pass consumes a header,
    /// so the count is linear in the input; a loop that stops making progress, or re-parses what it read, fails here
    /// (through the reader's safety net, not as a format error) instead of hanging.
    /// </summary>
    private void Step()
    {
        if (++_steps > _options.MaxParserSteps)
        {
            throw new InvalidOperationException($"The parser exceeded its budget of {_options.MaxParserSteps} loop passes");
        }
    }

    /// <summary>True when the next 4 bytes are an item tag in little endian (UN and implicit VR contents always are).</summary>
    private bool LooksLikeItem()
    {
        var b = _in.Peek(4);
        if (b.Length < 4)
        {
            return false;
        }

        return Read16(b, false) == 0xFFFE && Read16(b[2..], false) == 0xE000;
    }

    private byte[] ReadAllocated(long length, DicomTag tag, long headerOffset)
    {
        if (length > _options.MaxElementLength)
        {
            throw _in.Error($"{tag} declares {length} bytes, more than MaxElementLength ({_options.MaxElementLength})", headerOffset);
        }

        _allocated += length;
        if (_allocated > _options.MaxTotalBytes)
        {
            throw _in.Error($"The values read exceed MaxTotalBytes ({_options.MaxTotalBytes})", headerOffset);
        }

        return _in.ReadBytes(length);
    }

    private DicomSequence ReadSequence(DicomDataset parent, DicomTag tag, Encoding enc, long? sequenceEnd, long? outerEnd, int depth)
    {
        if (depth + 1 > _options.MaxSequenceDepth)
        {
            throw _in.Error($"Sequences nest deeper than MaxSequenceDepth ({_options.MaxSequenceDepth})", _in.Position);
        }

        var sequence = new DicomSequence(tag);
        while (true)
        {
            Step();
            long itemOffset = _in.Position;
            if (sequenceEnd is { } se)
            {
                if (itemOffset == se)
                {
                    break;
                }

                if (itemOffset > se)
                {
                    throw _in.Error($"An item of {tag} runs {itemOffset - se} byte(s) past the end of the sequence", se);
                }
            }

            ushort group = _in.ReadUInt16(enc.BigEndian);
            ushort element = _in.ReadUInt16(enc.BigEndian);
            uint length = _in.ReadUInt32(enc.BigEndian);
            var itemTag = new DicomTag(group, element);
            if (itemTag == DicomTag.SequenceDelimitationItem)
            {
                if (sequenceEnd is null)
                {
                    break;
                }

                continue; // tolerated inside a defined-length sequence
            }

            if (itemTag == DicomTag.ItemDelimitationItem && length == 0)
            {
                continue; // stray item delimiter after a defined-length item
            }

            if (itemTag != DicomTag.Item)
            {
                throw _in.Error($"Expected an item in sequence {tag}, found {itemTag}", itemOffset);
            }

            var item = new DicomDataset { Parent = parent, InternalTransferSyntax = parent.InternalTransferSyntax, SourceOffset = itemOffset };
            if (length == UndefinedLength)
            {
                ReadDataset(item, enc, null, true, depth + 1, null);
            }
            else
            {
                long? remaining = _in.Remaining(sequenceEnd ?? outerEnd);
                if (remaining is { } r && length > r)
                {
                    throw _in.Error($"An item of {tag} declares {length} byte(s) but only {r} remain", itemOffset);
                }

                ReadDataset(item, enc, _in.Position + length, false, depth + 1, null);
            }

            sequence.Add(item);
        }

        return sequence;
    }

    private DicomFragmentSequence ReadFragments(DicomTag tag, DicomVR vr, Encoding enc, long? end, int depth)
    {
        bool defer = depth == 0 && _deferSource is not null && _options.DeferPixelData;
        uint[]? offsetTable = null;
        var fragments = new List<DicomFragment>();
        while (true)
        {
            Step();
            long itemOffset = _in.Position;
            if (end is { } e && itemOffset >= e)
            {
                throw _in.Error($"Encapsulated {tag} runs past the end of its item", itemOffset);
            }

            ushort group = _in.ReadUInt16(enc.BigEndian);
            ushort element = _in.ReadUInt16(enc.BigEndian);
            uint length = _in.ReadUInt32(enc.BigEndian);
            var itemTag = new DicomTag(group, element);
            if (itemTag == DicomTag.SequenceDelimitationItem)
            {
                break;
            }

            if (itemTag != DicomTag.Item)
            {
                throw _in.Error($"Expected an item in encapsulated {tag}, found {itemTag}", itemOffset);
            }

            if (length == UndefinedLength)
            {
                throw _in.Error($"A fragment of {tag} has undefined length", itemOffset);
            }

            long? remaining = _in.Remaining(end);
            if (remaining is { } r && length > r)
            {
                throw _in.Error($"A fragment of {tag} declares {length} byte(s) but only {r} remain", itemOffset);
            }

            long dataOffset = _in.Position;
            if (offsetTable is null)
            {
                byte[] table = ReadAllocated(length, tag, itemOffset);
                offsetTable = new uint[length / 4];
                for (int i = 0; i < offsetTable.Length; i++)
                {
                    offsetTable[i] = enc.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(table.AsSpan(4 * i)) : BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(4 * i));
                }

                continue;
            }

            if (defer && length > 0)
            {
                var deferred = new DeferredValue(_deferSource!.ReaderAt(dataOffset), length, 1);
                _in.Skip(length);
                fragments.Add(new DicomFragment(deferred, dataOffset));
            }
            else
            {
                byte[] data = ReadAllocated(length, tag, itemOffset);
                fragments.Add(new DicomFragment(data, _in.Where is null ? dataOffset : -1));
            }
        }

        return new DicomFragmentSequence(tag, vr, offsetTable ?? [], fragments);
    }

    private static void LinkExtendedOffsetTable(DicomDataset ds)
    {
        if (ds.GetItem(DicomTag.PixelData) is not DicomFragmentSequence fragments)
        {
            return;
        }

        if (ds.GetItem(DicomTag.ExtendedOffsetTable) is DicomElement eot)
        {
            fragments.ExtendedOffsetTable = ReadUInt64s(eot);
        }

        if (ds.GetItem(DicomTag.ExtendedOffsetTableLengths) is DicomElement eotl)
        {
            fragments.ExtendedOffsetTableLengths = ReadUInt64s(eotl);
        }
    }

    private static ulong[] ReadUInt64s(DicomElement element)
    {
        var span = element.RawValue.Span;
        var values = new ulong[span.Length / 8];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt64LittleEndian(span[(8 * i)..]);
        }

        return values;
    }

    /// <summary>The VR of an implicit VR element: from the dictionary, ambiguous VRs resolved as PS3.5 Annex A and PS3.3 say.</summary>
    internal static DicomVR ImplicitVR(DicomTag tag, DicomDataset ds, out bool known)
    {
        known = true;
        if (tag.Element == 0)
        {
            return DicomVR.UL;
        }

        if (tag.IsPrivateCreator)
        {
            return DicomVR.LO;
        }

        if (!DicomDictionary.Default.TryGet(tag, out var entry))
        {
            known = false;
            return DicomVR.UN;
        }

        var vrs = entry.ValueRepresentations;
        if (vrs.Count == 1)
        {
            return vrs[0];
        }

        if (vrs.Contains(DicomVR.OW) && vrs.Contains(DicomVR.OB))
        {
            return DicomVR.OW; // PS3.5 A.1: pixel, overlay and waveform data are OW in implicit VR
        }

        if (vrs.Contains(DicomVR.US) && vrs.Contains(DicomVR.SS))
        {
            // US when Pixel Representation is 0 (looked up in enclosing datasets too), SS when 1.
            for (var d = ds; d is not null; d = d.Parent)
            {
                if (d.GetItem(DicomTag.PixelRepresentation) is DicomElement pr && pr.Length >= 2)
                {
                    return BinaryPrimitives.ReadUInt16LittleEndian(pr.RawValue.Span) == 1 ? DicomVR.SS : DicomVR.US;
                }
            }

            return DicomVR.US;
        }

        if (vrs.Contains(DicomVR.US) && vrs.Contains(DicomVR.OW))
        {
            // LUT Data: US when the LUT has a single entry (PS3.3 C.11.1.1.1), else OW.
            if (ds.GetItem(DicomTag.LUTDescriptor) is DicomElement descriptor && descriptor.Length >= 2
                && BinaryPrimitives.ReadUInt16LittleEndian(descriptor.RawValue.Span) == 1)
            {
                return DicomVR.US;
            }

            return DicomVR.OW;
        }

        return vrs[0];
    }

    private static ushort Read16(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
}
