using System.Collections.Frozen;

namespace HeCompute.Dicom.Deidentification;

/// <summary>
/// De-identifies DICOM datasets with the PS3.15 Annex E Basic Application Level Confidentiality Profile and the
/// options chosen in <see cref="DeidentificationOptions"/>. The action table is data
/// (<see cref="ConfidentialityProfileTable.Default"/>); actions apply at every sequence depth. The input is not modified.
/// </summary>
/// <remarks>
/// Beyond the table (each can be turned off in the options, and each is listed in the report with its rule):
/// instance UIDs in UI attributes the table does not list are replaced, unlisted person names removed, group
/// length elements dropped, and the file meta's source/sending/receiving AE titles and private information removed.
/// The pixel data is modified only by the Clean Pixel Data Option (<see cref="DeidentificationOptions.CleanPixelData"/>):
/// otherwise files that have or may have burned-in text are refused unless the caller accepts them as they are.
/// </remarks>
public sealed partial class DicomDeidentifier
{
    private const int MaxDepth = 64;
    private const string DicomUidRoot = "1.2.840.10008.";

    // UI attributes that hold class, syntax or coding-scheme UIDs (not instance UIDs): never replaced.
    private static readonly FrozenSet<uint> ClassUidTags = new uint[]
    {
        0x00000002, 0x00000003, 0x00020002, 0x00020010, 0x00020012, 0x00041510, 0x00041512, 0x00080016, 0x0008001A,
        0x0008001B, 0x00080062, 0x0008010C, 0x00080117, 0x00081150, 0x04000010, 0x04000510,
    }.ToFrozenSet();

    private static readonly (ConfidentialityOptions Option, ProfileColumn Column)[] OptionColumns =
    [
        (ConfidentialityOptions.RetainSafePrivate, ProfileColumn.RetainSafePrivate),
        (ConfidentialityOptions.RetainUids, ProfileColumn.RetainUids),
        (ConfidentialityOptions.RetainDeviceIdentity, ProfileColumn.RetainDeviceIdentity),
        (ConfidentialityOptions.RetainInstitutionIdentity, ProfileColumn.RetainInstitutionIdentity),
        (ConfidentialityOptions.RetainPatientCharacteristics, ProfileColumn.RetainPatientCharacteristics),
        (ConfidentialityOptions.RetainLongitudinalFullDates, ProfileColumn.RetainLongitudinalFullDates),
        (ConfidentialityOptions.RetainLongitudinalModifiedDates, ProfileColumn.RetainLongitudinalModifiedDates),
        (ConfidentialityOptions.CleanDescriptors, ProfileColumn.CleanDescriptors),
    ];

    private readonly DeidentificationOptions _options;
    private readonly ConfidentialityProfileTable _table;
    private readonly UidMapper _uidMapper;
    private readonly ProfileColumn[] _columns;

    /// <summary>Creates a de-identifier with the built-in Table E.1-1.</summary>
    public DicomDeidentifier(DeidentificationOptions options)
        : this(options, ConfidentialityProfileTable.Default)
    {
    }

    /// <summary>Creates a de-identifier with a given action table.</summary>
    /// <exception cref="ArgumentException">Both Retain Longitudinal options were chosen, or the date shift range is not positive.</exception>
    public DicomDeidentifier(DeidentificationOptions options, ConfidentialityProfileTable table)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(table);
        var o = options.Options;
        if (o.HasFlag(ConfidentialityOptions.RetainLongitudinalFullDates) && o.HasFlag(ConfidentialityOptions.RetainLongitudinalModifiedDates))
        {
            throw new ArgumentException("Retain Longitudinal Temporal Information with Full Dates and with Modified Dates exclude each other.", nameof(options));
        }

        if (options.MaximumDateShiftDays < 1)
        {
            throw new ArgumentException("MaximumDateShiftDays must be at least 1.", nameof(options));
        }

        _options = options;
        _table = table;
        _uidMapper = new UidMapper(options.Secret.Span);
        _columns = [.. OptionColumns.Where(c => o.HasFlag(c.Option)).Select(c => c.Column)];
    }

    /// <summary>The options in use.</summary>
    public DeidentificationOptions Options => _options;

    /// <summary>The replacement this de-identifier gives <paramref name="uid"/> (for linking records kept by the hospital).</summary>
    public string MapUid(string uid) => _uidMapper.Map(uid);

    /// <summary>De-identifies a dataset (a copy; the input is not modified).</summary>
    /// <exception cref="BurnedInAnnotationException">The pixels have or may have burned-in text and the caller has not opted in.</exception>
    /// <exception cref="DeidentificationException">The dataset cannot be de-identified (e.g. sequences nested too deep).</exception>
    public (DicomDataset Result, DeidentificationReport Report) Deidentify(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        IReadOnlyList<string> cleaningNotes = [];
        var cleaning = _options.CleanPixelData is { } clean ? PixelCleaner.PlanFor(dataset, clean, out cleaningNotes) : null;
        bool acceptedBurnedIn = cleaning is null && CheckBurnedInAnnotation(dataset);
        var run = new Run(this, dataset);
        var result = dataset.Clone();
        run.ProcessDataset(result, string.Empty, ContentMode.Normal, 0);
        if (cleaning is not null)
        {
            // After the table, so that nothing it does touches the cleaned pixels or the new BurnedInAnnotation.
            int frames = PixelCleaner.Apply(dataset, result, cleaning.Rectangles);
            run.Report(DicomTag.PixelData.ToString(), DicomTag.PixelData, null, AttributeOutcome.Cleaned,
                $"Clean Pixel Data Option: {cleaning.Rectangles.Count} rectangle(s) blanked in {frames} frame(s), every sample; written uncompressed");
            bool had = result.Contains(Tags.BurnedInAnnotation);
            SetCodeString(result, Tags.BurnedInAnnotation, "NO");
            run.Report(Tags.BurnedInAnnotation.ToString(), Tags.BurnedInAnnotation, null, had ? AttributeOutcome.Replaced : AttributeOutcome.Added,
                "Clean Pixel Data Option: NO once the pixels are cleaned");
        }

        var codes = run.AddMethodAttributes(result, cleaning is not null);
        var report = run.BuildReport(codes, acceptedBurnedIn) with
        {
            PixelsCleaned = cleaning is not null,
            CleanedRectangles = cleaning?.Rectangles ?? [],
            PixelCleaningNotes = cleaningNotes,
        };
        return (result, report);
    }

    private static void SetCodeString(DicomDataset dataset, DicomTag tag, string value)
    {
        byte[] bytes = System.Text.Encoding.ASCII.GetBytes(value.Length % 2 == 0 ? value : value + " ");
        dataset.AddOrUpdate(new DicomElement(tag, DicomVR.CS, bytes));
    }

    private bool CheckBurnedInAnnotation(DicomDataset dataset)
    {
        string burnedIn = TextOf(dataset, Tags.BurnedInAnnotation).Trim().ToUpperInvariant();
        if (burnedIn == "YES")
        {
            return _options.AllowBurnedInAnnotation
                ? true
                : throw new BurnedInAnnotationException("BurnedInAnnotation (0028,0301) is YES: the pixels carry identifying text. Clean them with CleanPixelData, or set AllowBurnedInAnnotation to accept them as they are.");
        }

        if (burnedIn == "NO" || !_options.RefuseLikelyBurnedInAnnotation)
        {
            return false;
        }

        string modality = TextOf(dataset, Tags.Modality).Trim().ToUpperInvariant();
        string sopClass = TextOf(dataset, Tags.SOPClassUID).Trim(' ', '\0');
        string? reason = BurnedInRisk.Reason(modality, sopClass);
        if (reason is null)
        {
            return false;
        }

        return _options.AllowBurnedInAnnotation
            ? true
            : throw new BurnedInAnnotationException($"{reason} and BurnedInAnnotation (0028,0301) is not NO: such images usually carry burned-in text. Clean them with CleanPixelData, or check them and set AllowBurnedInAnnotation.");
    }

    /// <summary>The value as bytes decoded one-to-one (for ASCII-only values and stable keys; no character set needed).</summary>
    private static string TextOf(DicomDataset dataset, DicomTag tag) =>
        dataset.GetItem(tag) is DicomElement { IsDeferred: false } element ? AsciiOf(element) : string.Empty;

    private static string AsciiOf(DicomElement element) => System.Text.Encoding.Latin1.GetString(element.RawValue.Span).TrimEnd(' ', '\0');

    /// <summary>How values not listed in the table are treated inside a sequence the table asked to dummy or clean.</summary>
    private enum ContentMode
    {
        Normal,
        Dummy,
        Clean,
    }

    /// <summary>Tags used by the engine (not from the generated constants, to stay independent of the dictionary's coverage).</summary>
    internal static class Tags
    {
        internal static readonly DicomTag SpecificCharacterSet = new(0x0008, 0x0005);
        internal static readonly DicomTag SOPClassUID = new(0x0008, 0x0016);
        internal static readonly DicomTag SOPInstanceUID = new(0x0008, 0x0018);
        internal static readonly DicomTag Modality = new(0x0008, 0x0060);
        internal static readonly DicomTag CodeValue = new(0x0008, 0x0100);
        internal static readonly DicomTag CodingSchemeDesignator = new(0x0008, 0x0102);
        internal static readonly DicomTag CodeMeaning = new(0x0008, 0x0104);
        internal static readonly DicomTag PatientName = new(0x0010, 0x0010);
        internal static readonly DicomTag PatientID = new(0x0010, 0x0020);
        internal static readonly DicomTag IssuerOfPatientID = new(0x0010, 0x0021);
        internal static readonly DicomTag PatientBirthDate = new(0x0010, 0x0030);
        internal static readonly DicomTag PatientIdentityRemoved = new(0x0012, 0x0062);
        internal static readonly DicomTag DeidentificationMethod = new(0x0012, 0x0063);
        internal static readonly DicomTag DeidentificationMethodCodeSequence = new(0x0012, 0x0064);
        internal static readonly DicomTag StudyInstanceUID = new(0x0020, 0x000D);
        internal static readonly DicomTag BurnedInAnnotation = new(0x0028, 0x0301);
        internal static readonly DicomTag LongitudinalTemporalInformationModified = new(0x0028, 0x0303);
        internal static readonly DicomTag MediaStorageSOPInstanceUID = new(0x0002, 0x0003);
    }
}
