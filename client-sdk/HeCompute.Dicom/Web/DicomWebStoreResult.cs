namespace HeCompute.Dicom.Web;

/// <summary>What a STOW-RS request stored: the SOP Instance UIDs in the PACS's Referenced SOP Sequence, and those in
/// its Failed SOP Sequence.</summary>
/// <param name="Stored">Instances the PACS stored.</param>
/// <param name="Failed">Instances the PACS refused.</param>
public sealed record DicomWebStoreResult(IReadOnlyList<string> Stored, IReadOnlyList<string> Failed);
