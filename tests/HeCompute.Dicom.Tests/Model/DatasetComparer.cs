namespace HeCompute.Dicom.Tests.Model;

/// <summary>Element-by-element comparison of two of our datasets (tags, VRs, value bytes, sequences, fragments).</summary>
public static class DatasetComparer
{
    /// <summary>Differences between <paramref name="expected"/> and <paramref name="actual"/>.</summary>
    /// <param name="expected">The reference dataset.</param>
    /// <param name="actual">The dataset compared with it.</param>
    /// <param name="path">Prefix for messages.</param>
    /// <param name="ignoreGroupLengths">Skip (gggg,0000) elements (writers add or drop them).</param>
    /// <param name="normalizePadding">Treat values that differ only by one trailing padding byte as equal.</param>
    public static List<string> Differences(DicomDataset expected, DicomDataset actual, string path = "", bool ignoreGroupLengths = true, bool normalizePadding = false)
    {
        var differences = new List<string>();
        Compare(expected, actual, path, differences, ignoreGroupLengths, normalizePadding);
        return differences;
    }

    private static void Compare(DicomDataset expected, DicomDataset actual, string path, List<string> differences, bool ignoreGroupLengths, bool normalizePadding)
    {
        var expectedItems = expected.Where(i => !(ignoreGroupLengths && i.Tag.Element == 0)).ToList();
        var actualItems = actual.Where(i => !(ignoreGroupLengths && i.Tag.Element == 0)).ToList();
        foreach (var item in expectedItems)
        {
            string where = $"{path}/{item.Tag}";
            var other = actual.GetItem(item.Tag);
            if (other is null)
            {
                differences.Add($"{where}: missing");
                continue;
            }

            bool ambiguous = DicomDictionary.Default.TryGet(item.Tag, out var entry) && entry.ValueRepresentations.Contains(item.VR) && entry.ValueRepresentations.Contains(other.VR);
            if (item.VR != other.VR && item.VR != DicomVR.UN && other.VR != DicomVR.UN && !ambiguous)
            {
                differences.Add($"{where}: VR {other.VR}, expected {item.VR}");
            }

            switch (item)
            {
                case DicomSequence sequence when other is DicomSequence otherSequence:
                    if (sequence.Items.Count != otherSequence.Items.Count)
                    {
                        differences.Add($"{where}: {otherSequence.Items.Count} items, expected {sequence.Items.Count}");
                        break;
                    }

                    for (int i = 0; i < sequence.Items.Count; i++)
                    {
                        Compare(sequence.Items[i], otherSequence.Items[i], $"{where}[{i}]", differences, ignoreGroupLengths, normalizePadding);
                    }

                    break;
                case DicomElement element when other is DicomElement otherElement:
                    var a = element.RawValue.Span;
                    var b = otherElement.RawValue.Span;
                    if (normalizePadding)
                    {
                        a = TrimPad(a, element.VR);
                        b = TrimPad(b, otherElement.VR);
                    }

                    if (!a.SequenceEqual(b))
                    {
                        differences.Add($"{where} {element.VR}: value differs (length {b.Length}, expected {a.Length}): {Preview(b)} vs {Preview(a)}");
                    }

                    break;
                case DicomFragmentSequence fragments when other is DicomFragmentSequence otherFragments:
                    if (!fragments.BasicOffsetTable.SequenceEqual(otherFragments.BasicOffsetTable))
                    {
                        differences.Add($"{where}: basic offset table differs");
                    }

                    if (fragments.Fragments.Count != otherFragments.Fragments.Count)
                    {
                        differences.Add($"{where}: {otherFragments.Fragments.Count} fragments, expected {fragments.Fragments.Count}");
                        break;
                    }

                    for (int i = 0; i < fragments.Fragments.Count; i++)
                    {
                        var fa = fragments.Fragments[i].Data.Span;
                        var fb = otherFragments.Fragments[i].Data.Span;
                        if (normalizePadding)
                        {
                            fa = TrimPad(fa, DicomVR.OB);
                            fb = TrimPad(fb, DicomVR.OB);
                        }

                        if (!fa.SequenceEqual(fb))
                        {
                            differences.Add($"{where}: fragment {i} differs");
                        }
                    }

                    break;
                case DicomSequence { Items.Count: 0 } when other is DicomElement { VR: DicomVR.UN, Length: 0 }:
                    break; // empty sequence read in implicit VR without a dictionary entry
                case DicomElement { VR: DicomVR.UN, Length: 0 } when other is DicomSequence { Items.Count: 0 }:
                    break;
                default:
                    differences.Add($"{where}: {other.GetType().Name}, expected {item.GetType().Name}");
                    break;
            }
        }

        foreach (var item in actualItems)
        {
            if (!expected.Contains(item.Tag))
            {
                differences.Add($"{path}/{item.Tag}: unexpected {item.VR}");
            }
        }
    }

    private static ReadOnlySpan<byte> TrimPad(ReadOnlySpan<byte> value, DicomVR vr)
    {
        if (value.Length % 2 == 0 && value.Length > 0 && value[^1] == DicomVRInfo.PaddingByte(vr))
        {
            return value[..^1];
        }

        return value;
    }

    private static string Preview(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes[..Math.Min(bytes.Length, 24)]);
}
