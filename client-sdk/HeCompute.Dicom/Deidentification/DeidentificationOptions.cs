using System.Text;

namespace HeCompute.Dicom.Deidentification;

/// <summary>The PS3.15 Annex E options that can be applied on top of the Basic Application Level Confidentiality Profile.</summary>
[Flags]
public enum ConfidentialityOptions
{
    /// <summary>The Basic Profile alone.</summary>
    None = 0,

    /// <summary>Retain Safe Private Option: keep the private attributes on <see cref="DeidentificationOptions.SafePrivateTags"/>.</summary>
    RetainSafePrivate = 1 << 0,

    /// <summary>Retain UIDs Option: keep every UID as it is (off by default).</summary>
    RetainUids = 1 << 1,

    /// <summary>Retain Device Identity Option.</summary>
    RetainDeviceIdentity = 1 << 2,

    /// <summary>Retain Institution Identity Option.</summary>
    RetainInstitutionIdentity = 1 << 3,

    /// <summary>Retain Patient Characteristics Option.</summary>
    RetainPatientCharacteristics = 1 << 4,

    /// <summary>Retain Longitudinal Temporal Information with Full Dates Option.</summary>
    RetainLongitudinalFullDates = 1 << 5,

    /// <summary>
    /// Retain Longitudinal Temporal Information with Modified Dates Option: dates and date-times are shifted by a whole
    /// number of days derived from the secret and the patient, so intervals within a patient survive.
    /// </summary>
    RetainLongitudinalModifiedDates = 1 << 6,

    /// <summary>Clean Descriptors Option: free-text descriptions are kept after identifying text is removed from them.</summary>
    CleanDescriptors = 1 << 7,
}

/// <summary>How the combined actions (Z/D, X/Z, X/D, X/Z/D, X/Z/U*) are resolved, since the de-identifier does not know each IOD's attribute types.</summary>
public enum CombinedActionPolicy
{
    /// <summary>
    /// Keep the IOD valid whatever the attribute's Type: Z/D, X/D and X/Z/D become D, X/Z becomes Z, X/Z/U* keeps the
    /// sequence with its instance UIDs replaced and the rest of its items de-identified by the table.
    /// </summary>
    PreserveConformance,

    /// <summary>Take the first alternative: X/Z, X/D, X/Z/D and X/Z/U* remove the attribute; Z/D empties it.</summary>
    RemoveWherePermitted,
}

/// <summary>A private attribute known to be safe (Retain Safe Private Option): private creator, element byte and optionally the group.</summary>
/// <param name="PrivateCreator">The private creator value (compared after trimming spaces, case-sensitive).</param>
/// <param name="ElementOffset">The low byte of the element number (the yy in gggg,xxyy).</param>
/// <param name="Group">The odd group, or null for any group.</param>
public sealed record SafePrivateTag(string PrivateCreator, byte ElementOffset, ushort? Group = null);

/// <summary>
/// Immutable settings of a <see cref="DicomDeidentifier"/>. The secret is copied in and never appears in
/// <see cref="ToString"/>, in reports or in exceptions.
/// </summary>
public sealed record DeidentificationOptions
{
    private readonly byte[] _secret = [];
    private readonly IReadOnlyList<SafePrivateTag> _safePrivateTags = [];

    /// <summary>Creates options with the hospital's secret (at least 16 bytes; 32 random bytes recommended).</summary>
    public DeidentificationOptions(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < MinimumSecretLength)
        {
            throw new ArgumentException($"The secret must be at least {MinimumSecretLength} bytes.", nameof(secret));
        }

        _secret = secret.ToArray();
    }

    /// <summary>The smallest secret accepted.</summary>
    public const int MinimumSecretLength = 16;

    /// <summary>A copy-free view of the secret used to key UID replacement and the date offset.</summary>
    public ReadOnlyMemory<byte> Secret => _secret;

    /// <summary>The options applied on top of the Basic Profile.</summary>
    public ConfidentialityOptions Options { get; init; }

    /// <summary>The allow-list for <see cref="ConfidentialityOptions.RetainSafePrivate"/>; without that option every private attribute is removed.</summary>
    public IReadOnlyList<SafePrivateTag> SafePrivateTags
    {
        get => _safePrivateTags;
        init => _safePrivateTags = [.. value ?? throw new ArgumentNullException(nameof(value))];
    }

    /// <summary>How combined actions are resolved (default: keep the IOD conformant).</summary>
    public CombinedActionPolicy CombinedActions { get; init; } = CombinedActionPolicy.PreserveConformance;

    /// <summary>
    /// Accept files that have, or may have, identifying text burned into the pixels. The pixels are NOT cleaned: the
    /// caller takes responsibility (Clean Pixel Data is not claimed in the code sequence).
    /// </summary>
    public bool AllowBurnedInAnnotation { get; init; }

    /// <summary>
    /// The Clean Pixel Data Option: blank rectangles of the pixels of every frame (given ones, and the modality's
    /// defaults when asked for). A cleaned image is accepted whatever its burned-in annotation, gets
    /// BurnedInAnnotation = NO and code 113101 in the method code sequence, and is written uncompressed. Null: the
    /// pixels are never modified.
    /// </summary>
    public CleanPixelDataOptions? CleanPixelData { get; init; }

    /// <summary>
    /// Also refuse files whose modality or SOP class typically carries burned-in text (US, secondary capture, ...)
    /// unless they say BurnedInAnnotation = NO (default true).
    /// </summary>
    public bool RefuseLikelyBurnedInAnnotation { get; init; } = true;

    /// <summary>
    /// Beyond the table: replace instance UIDs in UI attributes the table does not list (well-known DICOM UIDs under
    /// 1.2.840.10008 and SOP class / transfer syntax attributes are kept). Default true.
    /// </summary>
    public bool ReplaceUnlistedUids { get; init; } = true;

    /// <summary>Beyond the table: remove person-name (PN) attributes the table does not list. Default true.</summary>
    public bool RemoveUnlistedPersonNames { get; init; } = true;

    /// <summary>Largest date shift in days for <see cref="ConfidentialityOptions.RetainLongitudinalModifiedDates"/> (shifts are 1..this many days into the past).</summary>
    public int MaximumDateShiftDays { get; init; } = 3650;

    /// <summary>
    /// Optional cleaner for free text kept by Clean Descriptors or Retain Patient Characteristics: gets the attribute
    /// tag and the text already stripped of the identifiers the de-identifier knows, returns the text to keep (or null
    /// or empty to empty it). Null: the built-in cleaning alone.
    /// </summary>
    public Func<DicomTag, string, string?>? DescriptorCleaner { get; init; }

    /// <summary>Names the options without the secret.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Options = ").Append(Options)
            .Append(", SafePrivateTags = ").Append(SafePrivateTags.Count)
            .Append(", CombinedActions = ").Append(CombinedActions)
            .Append(", AllowBurnedInAnnotation = ").Append(AllowBurnedInAnnotation)
            .Append(", RefuseLikelyBurnedInAnnotation = ").Append(RefuseLikelyBurnedInAnnotation)
            .Append(", CleanPixelData = ").Append(CleanPixelData is null ? "none" : $"{CleanPixelData.Rectangles.Count} rectangle(s), modality defaults {CleanPixelData.ModalityDefaults}")
            .Append(", ReplaceUnlistedUids = ").Append(ReplaceUnlistedUids)
            .Append(", RemoveUnlistedPersonNames = ").Append(RemoveUnlistedPersonNames)
            .Append(", MaximumDateShiftDays = ").Append(MaximumDateShiftDays)
            .Append(", Secret = <").Append(_secret.Length).Append(" bytes, not shown>");
        return true;
    }

    /// <summary>Equality compares the secret by value.</summary>
    public bool Equals(DeidentificationOptions? other) =>
        other is not null && _secret.AsSpan().SequenceEqual(other._secret) && Options == other.Options
        && SafePrivateTags.SequenceEqual(other.SafePrivateTags) && CombinedActions == other.CombinedActions
        && AllowBurnedInAnnotation == other.AllowBurnedInAnnotation && RefuseLikelyBurnedInAnnotation == other.RefuseLikelyBurnedInAnnotation
        && Equals(CleanPixelData, other.CleanPixelData)
        && ReplaceUnlistedUids == other.ReplaceUnlistedUids && RemoveUnlistedPersonNames == other.RemoveUnlistedPersonNames
        && MaximumDateShiftDays == other.MaximumDateShiftDays && Equals(DescriptorCleaner, other.DescriptorCleaner);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Options, SafePrivateTags.Count, CombinedActions, MaximumDateShiftDays, _secret.Length);
}
