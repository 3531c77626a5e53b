using System.Buffers.Binary;

namespace HeCompute.Dicom.IO;

/// <summary>A DICOMDIR's directory records point at each other by byte offsets from the start of the file (PS3.3
/// F.3.2.1, PS3.10 8.5): the root's first and last record (0004,1200)/(0004,1202), and in each record the next record
/// (0004,1400) and the first record one level down (0004,1420). Any change to a record's length (de-identification
/// shortens names and removes values) moves the records after it, so the writer re-points every offset at the
/// record it pointed at when the file was read.</summary>
internal static class DirectoryOffsets
{
    private static readonly DicomTag RecordSequence = new(0x0004, 0x1220);
    private static readonly DicomTag[] RootOffsets = [new(0x0004, 0x1200), new(0x0004, 0x1202)];
    private static readonly DicomTag[] RecordOffsets = [new(0x0004, 0x1400), new(0x0004, 0x1420)];

    /// <summary>The dataset to write: <paramref name="dataset"/> itself when it has no Directory Record Sequence,
    /// else a copy whose offsets point at the records' positions in the file being written, whose dataset starts
    /// at <paramref name="datasetStart"/> (preamble, "DICM" and meta before it).</summary>
    /// <exception cref="DicomDataException">A record was not read from a file, or an offset pointed at no record.</exception>
    public static DicomDataset Recompute(DicomDataset dataset, long datasetStart)
    {
        if (dataset.GetItem(RecordSequence) is not DicomSequence records || records.Items.Count == 0)
        {
            return dataset;
        }

        long position = datasetStart;
        foreach (var item in dataset)
        {
            if (item.Tag == RecordSequence)
            {
                break;
            }

            position += DicomFileWriter.EncodedLength(item);
        }

        position += 12; // the sequence's header: tag, "SQ", reserved, undefined length
        var moved = new Dictionary<long, long>();
        for (int i = 0; i < records.Items.Count; i++)
        {
            var record = records.Items[i];
            if (record.SourceOffset is not { } old)
            {
                throw new DicomDataException($"Directory record {i + 1} was not read from a file, so the DICOMDIR offsets that point at it cannot be recomputed.");
            }

            moved[old] = position;
            position += 16 + DicomFileWriter.DatasetLength(record); // item header and item delimiter around the record
        }

        var copy = dataset.Clone();
        foreach (var tag in RootOffsets)
        {
            Repoint(copy, tag, moved);
        }

        foreach (var record in copy.GetSequence(RecordSequence)!.Items)
        {
            foreach (var tag in RecordOffsets)
            {
                Repoint(record, tag, moved);
            }
        }

        return copy;
    }

    private static void Repoint(DicomDataset dataset, DicomTag tag, Dictionary<long, long> moved)
    {
        if (dataset.GetItem(tag) is not DicomElement { Length: 4 } element)
        {
            return;
        }

        uint old = BinaryPrimitives.ReadUInt32LittleEndian(element.RawValue.Span);
        if (old == 0)
        {
            return; // no next record / no lower level
        }

        if (!moved.TryGetValue(old, out long now))
        {
            throw new DicomDataException($"The DICOMDIR offset {old} in {tag} does not point at a directory record.");
        }

        var value = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(value, checked((uint)now));
        dataset.AddOrUpdate(new DicomElement(tag, DicomVR.UL, value));
    }
}
