using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeCompute.Dicom.Deidentification;

/// <summary>What was done to one attribute.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AttributeOutcome>))]
public enum AttributeOutcome
{
    /// <summary>The attribute was removed.</summary>
    Removed,

    /// <summary>The value was replaced by a zero-length value (a sequence by one with no items).</summary>
    Emptied,

    /// <summary>The value was replaced by a dummy value.</summary>
    Replaced,

    /// <summary>Free text was kept after identifying text was removed from it; pixel data had rectangles blanked.</summary>
    Cleaned,

    /// <summary>The attribute was kept (a sequence's items are listed separately).</summary>
    Kept,

    /// <summary>Each UID was replaced by its keyed mapping.</summary>
    UidRemapped,

    /// <summary>Each date was shifted by the patient's offset.</summary>
    DateShifted,

    /// <summary>The de-identifier added the attribute (PatientIdentityRemoved, ...).</summary>
    Added,
}

/// <summary>One line of a <see cref="DeidentificationReport"/>: never holds a value, original or new.</summary>
/// <param name="Path">Where the attribute is: tags separated by '/', sequence items as [index], the file meta prefixed "meta/", e.g. "(0008,1140)[0]/(0008,1155)".</param>
/// <param name="Keyword">The PS3.6 keyword when known.</param>
/// <param name="Outcome">What was done.</param>
/// <param name="Rule">Why: the table row's action and column (e.g. "Basic X/Z→Z", "RtnLongModifDates C"), or a rule beyond the table.</param>
public sealed record DeidentificationReportEntry(string Path, string? Keyword, AttributeOutcome Outcome, string Rule);

/// <summary>
/// What a de-identification did, attribute by attribute, with no original or replaced values and no secret.
/// Serializes with <see cref="System.Text.Json"/> (<see cref="ToJson"/>).
/// </summary>
public sealed record DeidentificationReport
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>The options applied (names of <see cref="ConfidentialityOptions"/> flags).</summary>
    public required IReadOnlyList<string> OptionsApplied { get; init; }

    /// <summary>The CID 7050 codes written to De-identification Method Code Sequence.</summary>
    public required IReadOnlyList<string> MethodCodes { get; init; }

    /// <summary>True when burned-in annotation was accepted on the caller's say-so (pixels not cleaned).</summary>
    public bool BurnedInAnnotationAccepted { get; init; }

    /// <summary>True when the Clean Pixel Data Option blanked <see cref="CleanedRectangles"/> in every frame (BurnedInAnnotation is then NO).</summary>
    public bool PixelsCleaned { get; init; }

    /// <summary>The rectangles blanked, clipped to the image (empty when the pixels were not cleaned).</summary>
    public IReadOnlyList<CleanRectangle> CleanedRectangles { get; init; } = [];

    /// <summary>Where the rectangles came from, or why none applied (given, a modality default and its heuristic, skipped ones).</summary>
    public IReadOnlyList<string> PixelCleaningNotes { get; init; } = [];

    /// <summary>Attribute by attribute, in the order visited.</summary>
    public required IReadOnlyList<DeidentificationReportEntry> Entries { get; init; }

    /// <summary>The entries with a given outcome.</summary>
    public IEnumerable<DeidentificationReportEntry> WithOutcome(AttributeOutcome outcome) => Entries.Where(e => e.Outcome == outcome);

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
