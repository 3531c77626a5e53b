using System.Globalization;

namespace HeCompute.Dicom;

/// <summary>A DICOM attribute tag (group, element), PS3.5 section 7.1.</summary>
public readonly partial struct DicomTag : IEquatable<DicomTag>, IComparable<DicomTag>
{
    /// <summary>Creates a tag from its group and element numbers.</summary>
    public DicomTag(ushort group, ushort element)
    {
        Group = group;
        Element = element;
    }

    /// <summary>Creates a tag from its 32-bit value (group in the high 16 bits).</summary>
    public DicomTag(uint value)
        : this((ushort)(value >> 16), (ushort)value)
    {
    }

    /// <summary>The group number.</summary>
    public ushort Group { get; }

    /// <summary>The element number.</summary>
    public ushort Element { get; }

    /// <summary>The tag as a 32-bit number, group in the high half (the order used for sorting).</summary>
    public uint Value => ((uint)Group << 16) | Element;

    /// <summary>True for tags in odd groups (private data elements, PS3.5 7.8).</summary>
    public bool IsPrivate => (Group & 1) == 1;

    /// <summary>True for private creator elements (gggg,0010)-(gggg,00FF) in an odd group.</summary>
    public bool IsPrivateCreator => IsPrivate && Element >= 0x0010 && Element <= 0x00FF;

    /// <summary>True for group length elements (gggg,0000).</summary>
    public bool IsGroupLength => Element == 0;

    /// <summary>
    /// For a private data element (gggg,xxyy) with xx in 10..FF, the tag of the private creator element (gggg,00xx)
    /// that reserves its block; null otherwise.
    /// </summary>
    public DicomTag? PrivateCreatorTag =>
        IsPrivate && Element >= 0x1000 ? new DicomTag(Group, (ushort)(Element >> 8)) : null;

    /// <summary>The item tag (FFFE,E000).</summary>
    public static readonly DicomTag Item = new(0xFFFE, 0xE000);

    /// <summary>The item delimitation tag (FFFE,E00D).</summary>
    public static readonly DicomTag ItemDelimitationItem = new(0xFFFE, 0xE00D);

    /// <summary>The sequence delimitation tag (FFFE,E0DD).</summary>
    public static readonly DicomTag SequenceDelimitationItem = new(0xFFFE, 0xE0DD);

    /// <summary>Parses "(gggg,eeee)", "gggg,eeee" or "ggggeeee" (hexadecimal).</summary>
    /// <exception cref="FormatException">The text is not a tag.</exception>
    public static DicomTag Parse(string text)
    {
        if (TryParse(text, out var tag))
        {
            return tag;
        }

        throw new FormatException($"'{text}' is not a DICOM tag; expected (gggg,eeee) or ggggeeee.");
    }

    /// <summary>Parses "(gggg,eeee)", "gggg,eeee" or "ggggeeee" (hexadecimal).</summary>
    public static bool TryParse(string? text, out DicomTag tag)
    {
        tag = default;
        if (text is null)
        {
            return false;
        }

        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.Length >= 2 && s[0] == '(' && s[^1] == ')')
        {
            s = s[1..^1];
        }

        ReadOnlySpan<char> g, e;
        int comma = s.IndexOf(',');
        if (comma >= 0)
        {
            g = s[..comma].Trim();
            e = s[(comma + 1)..].Trim();
        }
        else if (s.Length == 8)
        {
            g = s[..4];
            e = s[4..];
        }
        else
        {
            return false;
        }

        if (g.Length != 4 || e.Length != 4
            || !ushort.TryParse(g, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort group)
            || !ushort.TryParse(e, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort element))
        {
            return false;
        }

        tag = new DicomTag(group, element);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(DicomTag other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomTag other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (int)Value;

    /// <inheritdoc />
    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    /// <summary>"(gggg,eeee)" in upper-case hexadecimal.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({Group:X4},{Element:X4})");

    /// <summary>The dictionary keyword of this tag, or null when the dictionary does not know it.</summary>
    public string? Keyword => DicomDictionary.Default.TryGet(this, out var entry) ? entry.Keyword : null;

    /// <summary>Equality.</summary>
    public static bool operator ==(DicomTag left, DicomTag right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DicomTag left, DicomTag right) => !left.Equals(right);

    /// <summary>Ordering by <see cref="Value"/>.</summary>
    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;

    /// <summary>Ordering by <see cref="Value"/>.</summary>
    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;

    /// <summary>Ordering by <see cref="Value"/>.</summary>
    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;

    /// <summary>Ordering by <see cref="Value"/>.</summary>
    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;
}
