namespace HeCompute.Dicom;

/// <summary>A sequence of items (SQ), each item a nested dataset.</summary>
public sealed class DicomSequence : DicomItem
{
    private readonly List<DicomDataset> _items = [];
    private DicomDataset? _owner;

    /// <summary>Creates a sequence with the given items.</summary>
    public DicomSequence(DicomTag tag, params IEnumerable<DicomDataset> items)
        : base(tag, DicomVR.SQ)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            Add(item);
        }
    }

    /// <summary>The dataset this sequence belongs to (items inherit its character set).</summary>
    internal DicomDataset? Owner
    {
        get => _owner;
        set
        {
            _owner = value;
            foreach (var item in _items)
            {
                item.Parent = value;
            }
        }
    }

    /// <summary>The items in order.</summary>
    public IReadOnlyList<DicomDataset> Items => _items;

    /// <summary>Appends an item.</summary>
    public void Add(DicomDataset item)
    {
        ArgumentNullException.ThrowIfNull(item);
        item.Parent = Owner;
        _items.Add(item);
    }

    /// <summary>Removes the item at <paramref name="index"/>.</summary>
    public void RemoveAt(int index) => _items.RemoveAt(index);

    /// <inheritdoc />
    public override string ToString() => $"{Tag} SQ with {_items.Count} item(s)";
}
