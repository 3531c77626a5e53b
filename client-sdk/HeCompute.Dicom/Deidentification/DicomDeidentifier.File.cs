namespace HeCompute.Dicom.Deidentification;

public sealed partial class DicomDeidentifier
{
    // File Meta elements that name systems or carry private data: removed (PS3.10 7.1).
    private static readonly (DicomTag Tag, string Name)[] MetaRemoved =
    [
        (new DicomTag(0x0002, 0x0016), "SourceApplicationEntityTitle"),
        (new DicomTag(0x0002, 0x0017), "SendingApplicationEntityTitle"),
        (new DicomTag(0x0002, 0x0018), "ReceivingApplicationEntityTitle"),
        (new DicomTag(0x0002, 0x0026), "SourcePresentationAddress"),
        (new DicomTag(0x0002, 0x0027), "SendingPresentationAddress"),
        (new DicomTag(0x0002, 0x0028), "ReceivingPresentationAddress"),
        (new DicomTag(0x0002, 0x0100), "PrivateInformationCreatorUID"),
        (new DicomTag(0x0002, 0x0102), "PrivateInformation"),
    ];

    /// <summary>
    /// De-identifies a file: the dataset as <see cref="Deidentify(DicomDataset)"/>, and the File Meta Information
    /// (Media Storage SOP Instance UID follows the new SOP Instance UID; AE titles, presentation addresses and private
    /// information removed). The input file is not modified. Save the result with <see cref="DicomFile.Save(string)"/>.
    /// </summary>
    /// <exception cref="BurnedInAnnotationException">The pixels have or may have burned-in text and the caller has not opted in.</exception>
    public (DicomFile Result, DeidentificationReport Report) Deidentify(DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var (dataset, report) = Deidentify(file.Dataset);
        var meta = file.FileMetaInfo.Clone();
        var entries = new List<DeidentificationReportEntry>();
        foreach (var (tag, name) in MetaRemoved)
        {
            if (meta.Remove(tag))
            {
                entries.Add(new DeidentificationReportEntry("meta/" + tag, name, AttributeOutcome.Removed, "file meta: names a system or holds private data"));
            }
        }

        foreach (var item in meta.Where(i => i.Tag.Group != 0x0002 || i.Tag.IsGroupLength).ToList())
        {
            meta.Remove(item.Tag);
            entries.Add(new DeidentificationReportEntry("meta/" + item.Tag, item.Tag.Keyword, AttributeOutcome.Removed, "file meta: recomputed by the writer or not meta"));
        }

        if (meta.GetItem(Tags.MediaStorageSOPInstanceUID) is DicomElement)
        {
            string original = TextOf(meta, Tags.MediaStorageSOPInstanceUID).Trim(' ', '\0');
            string replacement = dataset.GetItem(Tags.SOPInstanceUID) is DicomElement
                ? TextOf(dataset, Tags.SOPInstanceUID).Trim(' ', '\0')
                : _options.Options.HasFlag(ConfidentialityOptions.RetainUids) ? original : _uidMapper.Map(original);
            byte[] bytes = System.Text.Encoding.ASCII.GetBytes(replacement);
            meta.AddOrUpdate(new DicomElement(Tags.MediaStorageSOPInstanceUID, DicomVR.UI, bytes.Length % 2 == 0 ? bytes : [.. bytes, 0]));
            entries.Add(new DeidentificationReportEntry("meta/" + Tags.MediaStorageSOPInstanceUID, "MediaStorageSOPInstanceUID",
                _options.Options.HasFlag(ConfidentialityOptions.RetainUids) ? AttributeOutcome.Kept : AttributeOutcome.UidRemapped, "file meta: follows SOPInstanceUID"));
        }

        if (!report.PixelsCleaned)
        {
            dataset.InternalTransferSyntax = file.Dataset.InternalTransferSyntax; // cleaned pixels are native: Explicit VR Little Endian
        }
        return (new DicomFile(meta, dataset), report with { Entries = [.. report.Entries, .. entries] });
    }
}
