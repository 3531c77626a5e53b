using System.Globalization;
using System.Reflection;

namespace HeCompute.Dicom;

/// <summary>One attribute of the data dictionary (PS3.6).</summary>
public sealed class DicomDictionaryEntry
{
    internal DicomDictionaryEntry(DicomTag tag, uint mask, string keyword, string name, IReadOnlyList<DicomVR> vrs, string vm, bool retired)
    {
        Tag = tag;
        Mask = mask;
        Keyword = keyword;
        Name = name;
        ValueRepresentations = vrs;
        ValueMultiplicity = vm;
        IsRetired = retired;
    }

    /// <summary>The tag; for a repeating-group entry (50xx, 60xx) the tag of its first group (5000, 6000).</summary>
    public DicomTag Tag { get; }

    /// <summary>Bits of a tag value that must equal <see cref="Tag"/>'s: 0xFFFFFFFF, or 0xFF00FFFF for repeating groups.</summary>
    public uint Mask { get; }

    /// <summary>True for entries that match a range of groups (50xx, 60xx).</summary>
    public bool IsRepeating => Mask != 0xFFFFFFFF;

    /// <summary>The PS3.6 keyword (e.g. PatientName).</summary>
    public string Keyword { get; }

    /// <summary>The PS3.6 name (e.g. Patient's Name).</summary>
    public string Name { get; }

    /// <summary>Allowed VRs (several for US/SS, OB/OW and US/OW attributes), first is the default.</summary>
    public IReadOnlyList<DicomVR> ValueRepresentations { get; }

    /// <summary>The VR used when nothing else decides (implicit VR reading, creating an element).</summary>
    public DicomVR DefaultVR => ValueRepresentations[0];

    /// <summary>Value multiplicity, e.g. "1", "1-n", "2-2n".</summary>
    public string ValueMultiplicity { get; }

    /// <summary>True when the attribute is retired.</summary>
    public bool IsRetired { get; }

    /// <summary>Same as <see cref="DefaultVR"/>.</summary>
    public DicomVR VR => DefaultVR;

    /// <summary>Same as <see cref="ValueRepresentations"/>.</summary>
    public IReadOnlyList<DicomVR> VRs => ValueRepresentations;

    /// <summary>Same as <see cref="ValueMultiplicity"/>.</summary>
    public string VM => ValueMultiplicity;

    /// <summary>Same as <see cref="IsRetired"/>.</summary>
    public bool Retired => IsRetired;

    /// <summary>True when <paramref name="tag"/> is described by this entry.</summary>
    public bool Matches(DicomTag tag) => (tag.Value & Mask) == Tag.Value;

    /// <inheritdoc />
    public override string ToString() => $"{Tag} {Keyword} {string.Join('/', ValueRepresentations)} {ValueMultiplicity}";
}

/// <summary>
/// The data dictionary: PS3.6 entries for the attributes the product uses (File Meta, PS3.15 Annex E, image pixel,
/// CT/MR/US/SEG and common modules, repeating groups 50xx/60xx), loaded from an embedded TSV. Group length
/// (gggg,0000) and private creator (gggg,0010-00FF, odd gggg) elements are known for every group.
/// </summary>
public sealed class DicomDictionary
{
    private static readonly Lazy<DicomDictionary> DefaultInstance = new(LoadDefault);
    private readonly Dictionary<uint, DicomDictionaryEntry> _exact = [];
    private readonly Dictionary<uint, DicomDictionaryEntry> _repeating = [];
    private readonly Dictionary<string, DicomDictionaryEntry> _byKeyword = new(StringComparer.Ordinal);
    private readonly List<DicomDictionaryEntry> _entries = [];

    private DicomDictionary()
    {
    }

    /// <summary>The built-in dictionary.</summary>
    public static DicomDictionary Default => DefaultInstance.Value;

    /// <summary>Every entry of the data file (not the synthetic group-length and private-creator entries).</summary>
    public IReadOnlyList<DicomDictionaryEntry> Entries => _entries;

    /// <summary>Looks up <paramref name="tag"/>.</summary>
    public bool TryGet(DicomTag tag, out DicomDictionaryEntry entry)
    {
        if (_exact.TryGetValue(tag.Value, out entry!))
        {
            return true;
        }

        if (_repeating.TryGetValue(tag.Value & 0xFF00FFFF, out entry!) && (tag.Group & 0x0001) == 0)
        {
            return true;
        }

        if (tag.Element == 0)
        {
            entry = new DicomDictionaryEntry(tag, 0xFFFFFFFF, "GroupLength", "Group Length", [DicomVR.UL], "1", false);
            return true;
        }

        if (tag.IsPrivateCreator)
        {
            entry = new DicomDictionaryEntry(tag, 0xFFFFFFFF, "PrivateCreator", "Private Creator", [DicomVR.LO], "1", false);
            return true;
        }

        entry = null!;
        return false;
    }

    /// <summary>Looks up an attribute by keyword (repeating groups give the entry of group 50xx/60xx as 5000/6000).</summary>
    public bool TryGet(string keyword, out DicomDictionaryEntry entry) => _byKeyword.TryGetValue(keyword, out entry!);

    /// <summary>The entry for <paramref name="tag"/>, or null.</summary>
    public DicomDictionaryEntry? this[DicomTag tag] => TryGet(tag, out var entry) ? entry : null;

    /// <summary>Parses dictionary TSV text (the embedded data file's format).</summary>
    /// <exception cref="FormatException">A line is malformed.</exception>
    internal static DicomDictionary Parse(TextReader reader)
    {
        var dictionary = new DicomDictionary();
        string? line;
        int number = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            number++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            string[] f = line.Split('\t');
            if (f.Length != 6 || f[0].Length != 9 || f[0][4] != ',')
            {
                throw new FormatException($"dictionary line {number}: expected 6 tab-separated fields.");
            }

            string hex = f[0][..4] + f[0][5..];
            uint mask = 0;
            uint value = 0;
            foreach (char ch in hex)
            {
                mask <<= 4;
                value <<= 4;
                if (ch == 'x')
                {
                    continue;
                }

                mask |= 0xF;
                value |= uint.Parse(ch.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            }

            var vrs = new List<DicomVR>();
            foreach (string v in f[1].Split('/'))
            {
                if (!DicomVRInfo.TryParse(v, out var vr))
                {
                    throw new FormatException($"dictionary line {number}: bad VR '{v}'.");
                }

                vrs.Add(vr);
            }

            var entry = new DicomDictionaryEntry(new DicomTag(value), mask, f[3], f[4], vrs, f[2], f[5] == "R");
            dictionary._entries.Add(entry);
            if (mask == 0xFFFFFFFF)
            {
                dictionary._exact[value] = entry;
            }
            else if (mask == 0xFF00FFFF)
            {
                dictionary._repeating[value] = entry;
            }
            else
            {
                throw new FormatException($"dictionary line {number}: only gg xx repeating groups are supported.");
            }

            dictionary._byKeyword.TryAdd(entry.Keyword, entry);
        }

        return dictionary;
    }

    private static DicomDictionary LoadDefault()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("HeCompute.Dicom.dictionary.tsv")
            ?? throw new InvalidOperationException("The embedded DICOM dictionary is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }
}
