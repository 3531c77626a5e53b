using System.Buffers.Binary;

namespace HeCompute.Dicom.IO;

/// <summary>
/// Writes Part 10 files (PS3.10 section 7): 128-byte zero preamble, "DICM", File Meta Information (Explicit VR Little
/// Endian with its group length), then the dataset in Explicit VR Little Endian, or in the dataset's own encapsulated
/// transfer syntax when its pixel data is encapsulated. Sequences and items are written with undefined length; odd values
/// are padded per VR; group length elements present in the dataset are recomputed.
/// </summary>
internal sealed class DicomFileWriter
{
    /// <summary>Our Implementation Class UID (a UUID-derived UID, PS3.5 Annex B.2).</summary>
    internal const string ImplementationClassUid = "2.25.142732350770396649375897826264331065555";

    /// <summary>Our Implementation Version Name.</summary>
    internal const string ImplementationVersionName = "HECOMPUTE_1_0";

    private const int ChunkSize = 1 << 20;
    private readonly Stream _out;
    private readonly byte[] _header = new byte[12];

    private DicomFileWriter(Stream output)
    {
        _out = output;
    }

    internal static void Write(DicomFile file, Stream output)
    {
        var syntax = ChooseSyntax(file.Dataset, file.FileMetaInfo);
        var meta = BuildMeta(file, syntax);
        var writer = new DicomFileWriter(output);
        output.Write(new byte[128]);
        output.Write("DICM"u8);
        writer.WriteDataset(meta);
        writer.WriteDataset(DirectoryOffsets.Recompute(file.Dataset, 132 + DatasetLength(meta)));
    }

    /// <summary>Explicit VR Little Endian, unless the pixel data is encapsulated: then its encapsulated syntax.</summary>
    internal static DicomTransferSyntax ChooseSyntax(DicomDataset dataset, DicomDataset meta)
    {
        if (dataset.GetItem(DicomTag.PixelData) is not DicomFragmentSequence)
        {
            return DicomTransferSyntax.ExplicitVRLittleEndian;
        }

        if (dataset.InternalTransferSyntax.IsEncapsulated)
        {
            return dataset.InternalTransferSyntax;
        }

        if (meta.GetItem(DicomTag.TransferSyntaxUID) is DicomElement
            && DicomTransferSyntax.Lookup(meta.GetString(DicomTag.TransferSyntaxUID)) is { IsEncapsulated: true } metaSyntax)
        {
            return metaSyntax;
        }

        throw new InvalidOperationException("The pixel data is encapsulated but the dataset's transfer syntax is not an encapsulated one; set InternalTransferSyntax.");
    }

    private static DicomDataset BuildMeta(DicomFile file, DicomTransferSyntax syntax)
    {
        var meta = new DicomDataset();
        foreach (var item in file.FileMetaInfo)
        {
            if (item.Tag.Group == 0x0002 && item.Tag.Element != 0)
            {
                meta.AddOrUpdate(item);
            }
        }

        meta.AddOrUpdate(new DicomElement(DicomTag.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0, 1 }));
        var ds = file.Dataset;
        if (ds.GetItem(DicomTag.SOPClassUID) is DicomElement)
        {
            meta.AddOrUpdate(DicomVR.UI, DicomTag.MediaStorageSOPClassUID, ds.GetString(DicomTag.SOPClassUID));
        }

        if (ds.GetItem(DicomTag.SOPInstanceUID) is DicomElement)
        {
            meta.AddOrUpdate(DicomVR.UI, DicomTag.MediaStorageSOPInstanceUID, ds.GetString(DicomTag.SOPInstanceUID));
        }

        meta.AddOrUpdate(DicomVR.UI, DicomTag.TransferSyntaxUID, syntax.Uid);
        meta.AddOrUpdate(DicomVR.UI, DicomTag.ImplementationClassUID, ImplementationClassUid);
        meta.AddOrUpdate(DicomVR.SH, DicomTag.ImplementationVersionName, ImplementationVersionName);
        long groupLength = meta.Sum(EncodedLength);
        var lengthBytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(lengthBytes, checked((uint)groupLength));
        meta.AddOrUpdate(new DicomElement(DicomTag.FileMetaInformationGroupLength, DicomVR.UL, lengthBytes));
        return meta;
    }

    /// <summary>The VR an element is written with: UN when a short-length VR's value does not fit in 16 bits.</summary>
    private static DicomVR WrittenVR(DicomItem item) => item switch
    {
        DicomElement e when !DicomVRInfo.HasLongLength(e.VR) && Padded(e.Length) > 0xFFFF => DicomVR.UN,
        DicomSequence => DicomVR.SQ,
        _ => item.VR,
    };

    private static long Padded(long length) => length + (length & 1);

    /// <summary>Bytes the item takes in Explicit VR Little Endian as this writer encodes it.</summary>
    internal static long EncodedLength(DicomItem item)
    {
        var vr = WrittenVR(item);
        long header = DicomVRInfo.HasLongLength(vr) ? 12 : 8;
        return item switch
        {
            DicomElement e => header + Padded(e.Length),
            DicomSequence s => header + s.Items.Sum(i => 16 + DatasetLength(i)) + 8,
            DicomFragmentSequence f => header + 8 + (4L * f.BasicOffsetTable.Count) + f.Fragments.Sum(x => 8 + Padded(x.Length)) + 8,
            _ => throw new InvalidOperationException($"Unknown item type {item.GetType().Name}."),
        };
    }

    internal static long DatasetLength(DicomDataset ds) => ds.Sum(EncodedLength);

    private void WriteDataset(DicomDataset ds)
    {
        foreach (var item in ds)
        {
            if (item.Tag.Element == 0 && item is DicomElement)
            {
                // Group length: the encoded length of the rest of the group.
                long length = ds.Where(i => i.Tag.Group == item.Tag.Group && i.Tag.Element != 0).Sum(EncodedLength);
                var value = new byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(value, (uint)Math.Min(length, uint.MaxValue));
                WriteElement(new DicomElement(item.Tag, DicomVR.UL, value));
                continue;
            }

            switch (item)
            {
                case DicomElement element:
                    WriteElement(element);
                    break;
                case DicomSequence sequence:
                    WriteHeader(sequence.Tag, DicomVR.SQ, DicomParser.UndefinedLength);
                    foreach (var child in sequence.Items)
                    {
                        WriteTagLength(DicomTag.Item, DicomParser.UndefinedLength);
                        WriteDataset(child);
                        WriteTagLength(DicomTag.ItemDelimitationItem, 0);
                    }

                    WriteTagLength(DicomTag.SequenceDelimitationItem, 0);
                    break;
                case DicomFragmentSequence fragments:
                    WriteHeader(fragments.Tag, fragments.VR, DicomParser.UndefinedLength);
                    WriteTagLength(DicomTag.Item, checked((uint)(4 * fragments.BasicOffsetTable.Count)));
                    var table = new byte[4 * fragments.BasicOffsetTable.Count];
                    for (int i = 0; i < fragments.BasicOffsetTable.Count; i++)
                    {
                        BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(4 * i), fragments.BasicOffsetTable[i]);
                    }

                    _out.Write(table);
                    foreach (var fragment in fragments.Fragments)
                    {
                        WriteTagLength(DicomTag.Item, checked((uint)Padded(fragment.Length)));
                        WriteValue(fragment.Length, fragment.CopyTo, 0);
                    }

                    WriteTagLength(DicomTag.SequenceDelimitationItem, 0);
                    break;
            }
        }
    }

    private void WriteElement(DicomElement element)
    {
        var vr = WrittenVR(element);
        long padded = Padded(element.Length);
        if (padded > 0xFFFFFFFE)
        {
            throw new InvalidOperationException($"{element.Tag} is {element.Length} bytes, more than one element can hold.");
        }

        WriteHeader(element.Tag, vr, (uint)padded);
        WriteValue(element.Length, element.CopyTo, DicomVRInfo.PaddingByte(element.VR));
    }

    private delegate void CopyRange(long start, Span<byte> destination);

    private void WriteValue(long length, CopyRange copy, byte padding)
    {
        if (length <= ChunkSize)
        {
            var bytes = new byte[length];
            copy(0, bytes);
            _out.Write(bytes);
        }
        else
        {
            var chunk = new byte[ChunkSize];
            for (long done = 0; done < length; done += ChunkSize)
            {
                int n = (int)Math.Min(ChunkSize, length - done);
                copy(done, chunk.AsSpan(0, n));
                _out.Write(chunk, 0, n);
            }
        }

        if ((length & 1) != 0)
        {
            _out.WriteByte(padding);
        }
    }

    private void WriteHeader(DicomTag tag, DicomVR vr, uint length)
    {
        var h = _header.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(h, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(h[2..], tag.Element);
        string name = vr.ToString();
        h[4] = (byte)name[0];
        h[5] = (byte)name[1];
        if (DicomVRInfo.HasLongLength(vr))
        {
            h[6] = 0;
            h[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(h[8..], length);
            _out.Write(h[..12]);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(h[6..], (ushort)length);
            _out.Write(h[..8]);
        }
    }

    private void WriteTagLength(DicomTag tag, uint length)
    {
        var h = _header.AsSpan(0, 8);
        BinaryPrimitives.WriteUInt16LittleEndian(h, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(h[2..], tag.Element);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], length);
        _out.Write(h);
    }
}
