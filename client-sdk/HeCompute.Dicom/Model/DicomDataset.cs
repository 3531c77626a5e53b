using System.Collections;
using System.Text;

namespace HeCompute.Dicom;

/// <summary>
/// A DICOM dataset: data elements in ascending tag order (a tag occurs at most once). Typed value access decodes the
/// stored little-endian bytes on each call; text VRs are decoded with <see cref="TextEncoding"/>.
/// </summary>
public sealed class DicomDataset : IEnumerable<DicomItem>
{
    private readonly List<DicomItem> _items = [];
    private Encoding? _ownEncoding;

    /// <summary>Creates an empty dataset.</summary>
    public DicomDataset()
    {
    }

    /// <summary>Creates a dataset holding <paramref name="items"/> (a later item replaces an earlier one with the same tag).</summary>
    public DicomDataset(params IEnumerable<DicomItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            AddOrUpdate(item);
        }
    }

    /// <summary>The transfer syntax the dataset was read in (or will be written in, for encapsulated pixel data).</summary>
    public DicomTransferSyntax InternalTransferSyntax { get; set; } = DicomTransferSyntax.ExplicitVRLittleEndian;

    /// <summary>For a sequence item read from a file: the offset of its Item tag from the start of the file (what a
    /// DICOMDIR's record offsets point at); null for items made in memory. Kept by <see cref="Clone"/>.</summary>
    internal long? SourceOffset { get; set; }

    /// <summary>The dataset that holds the sequence this dataset is an item of (its character set is inherited).</summary>
    public DicomDataset? Parent { get; internal set; }

    /// <summary>Number of top-level elements.</summary>
    public int Count => _items.Count;

    /// <summary>
    /// Encoding for text values, from this dataset's Specific Character Set (0008,0005), or inherited from the enclosing
    /// dataset for sequence items, or the default repertoire (decoded as ISO 8859-1 so that no byte is lost).
    /// </summary>
    /// <exception cref="DicomException">The Specific Character Set names a character set that cannot be decoded.</exception>
    public Encoding TextEncoding
    {
        get
        {
            if (GetItem(DicomTag.SpecificCharacterSet) is DicomElement element)
            {
                return _ownEncoding ??= DicomCharacterSets.GetEncoding(DicomValueConverter.GetCharsetTerms(element));
            }

            return Parent?.TextEncoding ?? DicomCharacterSets.Default;
        }
    }

    /// <summary>True when the dataset has an element with <paramref name="tag"/>.</summary>
    public bool Contains(DicomTag tag) => IndexOf(tag) >= 0;

    /// <summary>The element with <paramref name="tag"/>, or null.</summary>
    public DicomItem? GetItem(DicomTag tag)
    {
        int index = IndexOf(tag);
        return index >= 0 ? _items[index] : null;
    }

    /// <summary>The value element with <paramref name="tag"/>, or null (also when it is a sequence or encapsulated pixel data).</summary>
    public DicomElement? GetElement(DicomTag tag) => GetItem(tag) as DicomElement;

    /// <summary>The sequence with <paramref name="tag"/>, or null.</summary>
    public DicomSequence? GetSequence(DicomTag tag) => GetItem(tag) as DicomSequence;

    /// <summary>The encapsulated pixel data with <paramref name="tag"/>, or null.</summary>
    public DicomFragmentSequence? GetFragmentSequence(DicomTag tag) => GetItem(tag) as DicomFragmentSequence;

    /// <summary>
    /// All values of the element converted to <typeparamref name="T"/>: string, DateTime, DateOnly, TimeOnly, DicomTag,
    /// or a numeric type (byte, sbyte, short, ushort, int, uint, long, ulong, float, double, decimal) from binary VRs or
    /// from IS/DS strings. An empty value gives an empty array.
    /// </summary>
    /// <exception cref="DicomDataException">The element is missing, is a sequence, or a value does not convert.</exception>
    public T[] GetValues<T>(DicomTag tag)
    {
        var element = RequireElement(tag);
        return DicomValueConverter.Convert<T>(element, TextEncoding);
    }

    /// <summary>The only value of the element.</summary>
    /// <exception cref="DicomDataException">The element is missing, does not have exactly one value, or the value does not convert.</exception>
    public T GetSingleValue<T>(DicomTag tag)
    {
        var values = GetValues<T>(tag);
        if (values.Length != 1)
        {
            throw new DicomDataException($"{Describe(tag)} has {values.Length} values, expected exactly one.");
        }

        return values[0];
    }

    /// <summary>Value <paramref name="index"/> (0-based) of the element.</summary>
    /// <exception cref="DicomDataException">The element is missing, has fewer values, or the value does not convert.</exception>
    public T GetValue<T>(DicomTag tag, int index)
    {
        var values = GetValues<T>(tag);
        if (index < 0 || index >= values.Length)
        {
            throw new DicomDataException($"{Describe(tag)} has {values.Length} values; index {index} is out of range.");
        }

        return values[index];
    }

    /// <summary>Gets the only value of the element; false when it is missing, empty, multi-valued or does not convert.</summary>
    public bool TryGetSingleValue<T>(DicomTag tag, out T value)
    {
        value = default!;
        if (GetItem(tag) is not DicomElement element)
        {
            return false;
        }

        try
        {
            var values = DicomValueConverter.Convert<T>(element, TextEncoding);
            if (values.Length != 1)
            {
                return false;
            }

            value = values[0];
            return true;
        }
        catch (DicomException)
        {
            return false;
        }
    }

    /// <summary>The only value of the element, or <paramref name="defaultValue"/> when it is missing, empty, multi-valued or does not convert.</summary>
    public T GetSingleValueOrDefault<T>(DicomTag tag, T defaultValue) =>
        TryGetSingleValue<T>(tag, out var value) ? value : defaultValue;

    /// <summary>
    /// The whole value as text: character strings decoded with the character set (multiple values stay joined by
    /// backslashes, trailing space/NUL padding removed); binary values formatted and joined by backslashes.
    /// </summary>
    /// <exception cref="DicomDataException">The element is missing or is a sequence.</exception>
    public string GetString(DicomTag tag)
    {
        var element = RequireElement(tag);
        return DicomValueConverter.GetString(element, TextEncoding);
    }

    /// <summary>Adds <paramref name="item"/>, replacing an element with the same tag.</summary>
    public DicomDataset AddOrUpdate(DicomItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Tag == DicomTag.SpecificCharacterSet)
        {
            _ownEncoding = null;
        }

        if (item is DicomSequence sequence)
        {
            sequence.Owner = this;
            foreach (var child in sequence.Items)
            {
                child.Parent = this;
            }
        }

        int index = IndexOf(item.Tag);
        if (index >= 0)
        {
            _items[index] = item;
        }
        else
        {
            _items.Insert(~index, item);
        }

        return this;
    }

    /// <summary>Sets text values; the VR is the existing element's, else the dictionary's.</summary>
    /// <exception cref="ArgumentException">The tag is not in the dictionary and not present: use the overload with a VR.</exception>
    public DicomDataset AddOrUpdate(DicomTag tag, params string[] values) => AddOrUpdate(ResolveVR(tag), tag, values);

    /// <summary>Sets text values with an explicit VR (for binary VRs the texts are parsed as numbers).</summary>
    public DicomDataset AddOrUpdate(DicomVR vr, DicomTag tag, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var bytes = DicomValueConverter.Encode(vr, values, DicomVRInfo.UsesSpecificCharacterSet(vr) ? TextEncoding : DicomCharacterSets.Default);
        return AddOrUpdate(new DicomElement(tag, vr, bytes));
    }

    /// <summary>Sets values (numbers, DicomTag, DateTime, DateOnly, TimeOnly); the VR is the existing element's, else the dictionary's.</summary>
    /// <exception cref="ArgumentException">The tag is not in the dictionary and not present: use the overload with a VR.</exception>
    public DicomDataset AddOrUpdate<T>(DicomTag tag, params T[] values) => AddOrUpdate(ResolveVR(tag), tag, values);

    /// <summary>Sets values (numbers, DicomTag, DateTime, DateOnly, TimeOnly) with an explicit VR.</summary>
    public DicomDataset AddOrUpdate<T>(DicomVR vr, DicomTag tag, params T[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values is string[] strings)
        {
            return AddOrUpdate(vr, tag, strings);
        }

        var bytes = DicomValueConverter.Encode(vr, values, DicomVRInfo.UsesSpecificCharacterSet(vr) ? TextEncoding : DicomCharacterSets.Default);
        return AddOrUpdate(new DicomElement(tag, vr, bytes));
    }

    /// <summary>Removes the element with <paramref name="tag"/>; false when there was none.</summary>
    public bool Remove(DicomTag tag)
    {
        int index = IndexOf(tag);
        if (index < 0)
        {
            return false;
        }

        if (tag == DicomTag.SpecificCharacterSet)
        {
            _ownEncoding = null;
        }

        _items.RemoveAt(index);
        return true;
    }

    /// <summary>Removes every top-level element for which <paramref name="predicate"/> is true.</summary>
    public void Remove(Func<DicomItem, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        _items.RemoveAll(item => predicate(item));
        _ownEncoding = null;
    }

    /// <summary>A deep copy: sequences and their items are copied; elements (immutable) are shared.</summary>
    public DicomDataset Clone()
    {
        var copy = new DicomDataset { InternalTransferSyntax = InternalTransferSyntax, SourceOffset = SourceOffset };
        foreach (var item in _items)
        {
            copy._items.Add(item switch
            {
                DicomSequence sequence => CloneSequence(sequence, copy),
                _ => item,
            });
        }

        return copy;
    }

    /// <inheritdoc />
    public IEnumerator<DicomItem> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Appends an item read from a file: fast when tags ascend; a repeated tag replaces the earlier element.</summary>
    internal void AddRead(DicomItem item)
    {
        if (_items.Count == 0 || _items[^1].Tag < item.Tag)
        {
            _items.Add(item);
            if (item.Tag == DicomTag.SpecificCharacterSet)
            {
                _ownEncoding = null;
            }

            if (item is DicomSequence sequence)
            {
                sequence.Owner = this;
            }

            return;
        }

        AddOrUpdate(item);
    }

    private static DicomSequence CloneSequence(DicomSequence sequence, DicomDataset owner)
    {
        var clone = new DicomSequence(sequence.Tag) { Owner = owner };
        foreach (var child in sequence.Items)
        {
            var childCopy = child.Clone();
            clone.Add(childCopy);
        }

        return clone;
    }

    private DicomVR ResolveVR(DicomTag tag)
    {
        if (GetItem(tag) is { } existing)
        {
            return existing.VR;
        }

        if (DicomDictionary.Default.TryGet(tag, out var entry))
        {
            return entry.DefaultVR;
        }

        throw new ArgumentException($"{tag} is not in the dictionary; pass its VR.", nameof(tag));
    }

    private DicomElement RequireElement(DicomTag tag)
    {
        return GetItem(tag) switch
        {
            DicomElement element => element,
            null => throw new DicomDataException($"{Describe(tag)} is not in the dataset."),
            var other => throw new DicomDataException($"{Describe(tag)} is a {other.GetType().Name}, not a value element."),
        };
    }

    private static string Describe(DicomTag tag) => tag.Keyword is { } keyword ? $"{keyword} {tag}" : tag.ToString();

    private int IndexOf(DicomTag tag)
    {
        int lo = 0, hi = _items.Count - 1;
        uint key = tag.Value;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            uint value = _items[mid].Tag.Value;
            if (value == key)
            {
                return mid;
            }

            if (value < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
