using System.Collections.Frozen;
using System.Globalization;
using System.Resources;

namespace HeCompute.Dicom.Deidentification;

/// <summary>An action code of PS3.15 Table E.1-1.</summary>
public enum ProfileAction
{
    /// <summary>Empty cell: the option does not change the action.</summary>
    None,

    /// <summary>D: replace with a non-zero length dummy value consistent with the VR.</summary>
    Dummy,

    /// <summary>Z: replace with a zero-length value.</summary>
    Zero,

    /// <summary>X: remove.</summary>
    Remove,

    /// <summary>K: keep (sequences are cleaned recursively).</summary>
    Keep,

    /// <summary>C: clean (replace with values of similar meaning known not to contain identifying information).</summary>
    Clean,

    /// <summary>U: replace with a UID that is consistent within the set of instances.</summary>
    ReplaceUid,

    /// <summary>Z/D: Z unless D is required to keep the IOD conformant.</summary>
    ZeroOrDummy,

    /// <summary>X/Z: X unless Z is required.</summary>
    RemoveOrZero,

    /// <summary>X/D: X unless D is required.</summary>
    RemoveOrDummy,

    /// <summary>X/Z/D: X unless Z or D is required.</summary>
    RemoveOrZeroOrDummy,

    /// <summary>X/Z/U*: X unless Z or replacement of the contained instance UIDs (U) is required.</summary>
    RemoveOrZeroOrReplaceUids,
}

/// <summary>The option columns of PS3.15 Table E.1-1.</summary>
public enum ProfileColumn
{
    /// <summary>Retain Safe Private Option.</summary>
    RetainSafePrivate,

    /// <summary>Retain UIDs Option.</summary>
    RetainUids,

    /// <summary>Retain Device Identity Option.</summary>
    RetainDeviceIdentity,

    /// <summary>Retain Institution Identity Option.</summary>
    RetainInstitutionIdentity,

    /// <summary>Retain Patient Characteristics Option.</summary>
    RetainPatientCharacteristics,

    /// <summary>Retain Longitudinal Temporal Information with Full Dates Option.</summary>
    RetainLongitudinalFullDates,

    /// <summary>Retain Longitudinal Temporal Information with Modified Dates Option.</summary>
    RetainLongitudinalModifiedDates,

    /// <summary>Clean Descriptors Option.</summary>
    CleanDescriptors,

    /// <summary>Clean Structured Content Option (in the data; not offered by <see cref="DicomDeidentifier"/>).</summary>
    CleanStructuredContent,

    /// <summary>Clean Graphics Option (in the data; not offered by <see cref="DicomDeidentifier"/>).</summary>
    CleanGraphics,
}

/// <summary>One row of Table E.1-1: an attribute (or a tag mask) and its actions.</summary>
public sealed class ConfidentialityProfileRow
{
    internal ConfidentialityProfileRow(
        string tagPattern, uint value, uint mask, string name, string keyword, string valueRepresentation, bool retired,
        ProfileAction basic, IReadOnlyDictionary<ProfileColumn, ProfileAction> options)
    {
        TagPattern = tagPattern;
        Value = value;
        Mask = mask;
        Name = name;
        Keyword = keyword;
        ValueRepresentation = valueRepresentation;
        IsRetired = retired;
        Basic = basic;
        OptionActions = options;
    }

    /// <summary>The tag as written in the table: "(0010,0010)", a mask such as "(60xx,3000)", or "PRIVATE".</summary>
    public string TagPattern { get; }

    /// <summary>True for the catch-all row of private attributes (every element of an odd group).</summary>
    public bool IsPrivateAttributes => TagPattern == ConfidentialityProfileTable.PrivatePattern;

    /// <summary>True for rows with a mask (repeating groups).</summary>
    public bool IsMask => Mask != 0xFFFFFFFF && !IsPrivateAttributes;

    /// <summary>The tag for exact rows (null for masks and the private row).</summary>
    public DicomTag? Tag => Mask == 0xFFFFFFFF ? new DicomTag(Value) : null;

    internal uint Value { get; }

    internal uint Mask { get; }

    /// <summary>The attribute name (PS3.6).</summary>
    public string Name { get; }

    /// <summary>The attribute keyword (PS3.6).</summary>
    public string Keyword { get; }

    /// <summary>The VR from the data dictionary (e.g. "PN", "SQ", "OB/OW"; empty when any).</summary>
    public string ValueRepresentation { get; }

    /// <summary>True when the attribute is retired in PS3.6.</summary>
    public bool IsRetired { get; }

    /// <summary>The Basic Profile action.</summary>
    public ProfileAction Basic { get; }

    /// <summary>The action of each option column that has one.</summary>
    public IReadOnlyDictionary<ProfileColumn, ProfileAction> OptionActions { get; }

    /// <summary>The action under <paramref name="column"/> (<see cref="ProfileAction.None"/> when the cell is empty).</summary>
    public ProfileAction OptionAction(ProfileColumn column) =>
        OptionActions.TryGetValue(column, out var action) ? action : ProfileAction.None;

    /// <summary>True when <paramref name="tag"/> is described by this row.</summary>
    public bool Matches(DicomTag tag) => IsPrivateAttributes ? tag.IsPrivate : (tag.Value & Mask) == Value;

    /// <inheritdoc />
    public override string ToString() => $"{TagPattern} {Keyword} {ConfidentialityProfileTable.Format(Basic)}";
}

/// <summary>
/// PS3.15 Annex E Table E.1-1 (Application Level Confidentiality Profile Attributes), kept as data: the embedded
/// <c>ConfidentialityProfile.tsv</c>, typed from the standard. Lookup: private attributes match the PRIVATE row, then
/// exact tags, then masks (curve 50xx, overlay 60xx).
/// </summary>
public sealed class ConfidentialityProfileTable
{
    internal const string PrivatePattern = "PRIVATE";

    private static readonly Lazy<ConfidentialityProfileTable> DefaultInstance = new(LoadDefault);

    private static readonly (string Code, ProfileAction Action)[] ActionCodes =
    [
        ("D", ProfileAction.Dummy), ("Z", ProfileAction.Zero), ("X", ProfileAction.Remove), ("K", ProfileAction.Keep),
        ("C", ProfileAction.Clean), ("U", ProfileAction.ReplaceUid), ("Z/D", ProfileAction.ZeroOrDummy),
        ("X/Z", ProfileAction.RemoveOrZero), ("X/D", ProfileAction.RemoveOrDummy), ("X/Z/D", ProfileAction.RemoveOrZeroOrDummy),
        ("X/Z/U*", ProfileAction.RemoveOrZeroOrReplaceUids),
    ];

    private static readonly (string Header, ProfileColumn Column)[] ColumnHeaders =
    [
        ("RtnSafePriv", ProfileColumn.RetainSafePrivate), ("RtnUIDs", ProfileColumn.RetainUids),
        ("RtnDevId", ProfileColumn.RetainDeviceIdentity), ("RtnInstId", ProfileColumn.RetainInstitutionIdentity),
        ("RtnPatChars", ProfileColumn.RetainPatientCharacteristics), ("RtnLongFullDates", ProfileColumn.RetainLongitudinalFullDates),
        ("RtnLongModifDates", ProfileColumn.RetainLongitudinalModifiedDates), ("CleanDesc", ProfileColumn.CleanDescriptors),
        ("CleanStructCont", ProfileColumn.CleanStructuredContent), ("CleanGraph", ProfileColumn.CleanGraphics),
    ];

    private readonly FrozenDictionary<uint, ConfidentialityProfileRow> _exact;
    private readonly ConfidentialityProfileRow[] _masks;
    private readonly ConfidentialityProfileRow? _private;

    private ConfidentialityProfileTable(List<ConfidentialityProfileRow> rows)
    {
        Rows = rows;
        _exact = rows.Where(r => r.Tag is not null).ToFrozenDictionary(r => r.Value);
        _masks = [.. rows.Where(r => r.IsMask)];
        _private = rows.FirstOrDefault(r => r.IsPrivateAttributes);
    }

    /// <summary>The table shipped with the SDK.</summary>
    public static ConfidentialityProfileTable Default => DefaultInstance.Value;

    /// <summary>All rows in tag order (masks and the private row last).</summary>
    public IReadOnlyList<ConfidentialityProfileRow> Rows { get; }

    /// <summary>Finds the row that describes <paramref name="tag"/>; false when the attribute is not in the table.</summary>
    public bool TryGetRow(DicomTag tag, out ConfidentialityProfileRow row)
    {
        if (tag.IsPrivate)
        {
            row = _private!;
            return _private is not null;
        }

        if (_exact.TryGetValue(tag.Value, out row!))
        {
            return true;
        }

        foreach (var mask in _masks)
        {
            if (mask.Matches(tag))
            {
                row = mask;
                return true;
            }
        }

        row = null!;
        return false;
    }

    /// <summary>Parses a table in the TSV layout of the embedded resource.</summary>
    /// <exception cref="FormatException">A line is malformed.</exception>
    public static ConfidentialityProfileTable Parse(string tsv)
    {
        ArgumentNullException.ThrowIfNull(tsv);
        var rows = new List<ConfidentialityProfileRow>();
        string[]? header = null;
        int lineNumber = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string rawLine in tsv.Split('\n'))
        {
            lineNumber++;
            string line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] cells = line.Split('\t');
            if (header is null)
            {
                header = cells;
                if (header.Length < 6 || header[0] != "Tag" || header[5] != "Basic")
                {
                    throw new FormatException($"Line {lineNumber}: expected the header Tag, Name, Keyword, VR, Retired, Basic, options...");
                }

                continue;
            }

            if (cells.Length != header.Length)
            {
                throw new FormatException($"Line {lineNumber}: {cells.Length} cells, the header has {header.Length}.");
            }

            string pattern = cells[0];
            if (!seen.Add(pattern))
            {
                throw new FormatException($"Line {lineNumber}: {pattern} occurs twice.");
            }

            (uint value, uint mask) = ParsePattern(pattern, lineNumber);
            var basic = ParseAction(cells[5], lineNumber);
            if (basic == ProfileAction.None)
            {
                throw new FormatException($"Line {lineNumber}: {pattern} has no Basic Profile action.");
            }

            var options = new Dictionary<ProfileColumn, ProfileAction>();
            for (int i = 6; i < header.Length; i++)
            {
                var action = ParseAction(cells[i], lineNumber);
                if (action == ProfileAction.None)
                {
                    continue;
                }

                int c = Array.FindIndex(ColumnHeaders, h => h.Header == header[i]);
                if (c < 0)
                {
                    throw new FormatException($"Line {lineNumber}: unknown option column '{header[i]}'.");
                }

                options[ColumnHeaders[c].Column] = action;
            }

            rows.Add(new ConfidentialityProfileRow(pattern, value, mask, cells[1], cells[2], cells[3], cells[4] == "Y", basic, options.ToFrozenDictionary()));
        }

        if (header is null)
        {
            throw new FormatException("The table has no header line.");
        }

        return new ConfidentialityProfileTable(rows);
    }

    /// <summary>The code of an action as the standard writes it ("X/Z/U*").</summary>
    public static string Format(ProfileAction action) =>
        action == ProfileAction.None ? string.Empty : Array.Find(ActionCodes, a => a.Action == action).Code;

    /// <summary>The header of an option column in the TSV ("RtnLongModifDates").</summary>
    public static string Format(ProfileColumn column) => Array.Find(ColumnHeaders, c => c.Column == column).Header;

    private static ProfileAction ParseAction(string cell, int lineNumber)
    {
        if (cell.Length == 0)
        {
            return ProfileAction.None;
        }

        int i = Array.FindIndex(ActionCodes, a => a.Code == cell);
        return i >= 0 ? ActionCodes[i].Action : throw new FormatException($"Line {lineNumber}: unknown action '{cell}'.");
    }

    private static (uint Value, uint Mask) ParsePattern(string pattern, int lineNumber)
    {
        if (pattern == PrivatePattern)
        {
            return (0x00010000, 0x00010000);
        }

        if (pattern.Length != 11 || pattern[0] != '(' || pattern[5] != ',' || pattern[10] != ')')
        {
            throw new FormatException($"Line {lineNumber}: '{pattern}' is not a tag pattern (gggg,eeee).");
        }

        string hex = string.Concat(pattern.AsSpan(1, 4), pattern.AsSpan(6, 4));
        uint value = 0, mask = 0;
        foreach (char ch in hex)
        {
            value <<= 4;
            mask <<= 4;
            if (ch is 'x' or 'X')
            {
                continue;
            }

            value |= uint.Parse(ch.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            mask |= 0xF;
        }

        return (value, mask);
    }

    private static ConfidentialityProfileTable LoadDefault()
    {
        var resources = new ResourceManager("HeCompute.Dicom.Deidentification.ProfileData", typeof(ConfidentialityProfileTable).Assembly);
        string tsv = resources.GetString("Table", CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException("The embedded confidentiality profile table is missing.");
        return Parse(tsv);
    }
}
