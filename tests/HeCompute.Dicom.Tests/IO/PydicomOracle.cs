using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HeCompute.Dicom.Tests.IO;

/// <summary>
/// Runs TestData/pydicom_dump.py (pydicom, an independent parser) over files and compares its view of every element —
/// tag, VR, value bytes (little-endian), decoded text — with ours.
/// </summary>
public static class PydicomOracle
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "TestData", "pydicom_dump.py");

    /// <summary>pydicom's parse of each file, keyed by path.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Dump(IEnumerable<string> files)
    {
        string python = ExternalTools.PythonWithPydicom();
        var list = files.ToList();
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var batch in list.Chunk(200))
        {
            string json = ExternalTools.RunChecked(python, [Script, .. batch], TimeSpan.FromMinutes(3));
            using var doc = JsonDocument.Parse(json);
            foreach (var property in doc.RootElement.GetProperty("files").EnumerateObject())
            {
                result[property.Name] = property.Value.Clone();
            }
        }

        return result;
    }

    /// <summary>True when pydicom raised, or read a value the file ends inside of (pydicom keeps partial values).</summary>
    public static bool IsBroken(JsonElement oracle, out string why)
    {
        if (oracle.TryGetProperty("error", out var error))
        {
            why = "pydicom raised " + error.GetString();
            return true;
        }

        why = "pydicom found a value cut off by the end of the file";
        return HasTruncated(oracle.GetProperty("dataset")) || HasTruncated(oracle.GetProperty("meta"));
    }

    private static bool HasTruncated(JsonElement elements)
    {
        foreach (var e in elements.EnumerateArray())
        {
            if (e.TryGetProperty("truncated", out _))
            {
                return true;
            }

            if (e.TryGetProperty("items", out var items) && items.EnumerateArray().Any(HasTruncated))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Differences between pydicom's dataset and ours (empty when they agree).</summary>
    public static List<string> Compare(JsonElement oracleElements, DicomDataset ours, string path, CompareStats? stats = null)
    {
        var differences = new List<string>();
        CompareDataset(oracleElements, ours, path, differences, stats ?? new CompareStats());
        return differences;
    }

    /// <summary>Counts of what a comparison checked.</summary>
    public sealed class CompareStats
    {
        /// <summary>Elements compared.</summary>
        public int Elements { get; set; }

        /// <summary>Elements we read as UN where pydicom's fuller dictionary knows the VR (bytes still compared).</summary>
        public int UnknownToUs { get; set; }

        /// <summary>Text values compared after decoding.</summary>
        public int Texts { get; set; }
    }

    private static void CompareDataset(JsonElement oracle, DicomDataset ours, string path, List<string> differences, CompareStats stats)
    {
        var seen = new HashSet<uint>();
        foreach (var e in oracle.EnumerateArray())
        {
            var tag = DicomTag.Parse(e.GetProperty("tag").GetString()!);
            seen.Add(tag.Value);
            string where = $"{path}/{tag}";
            string vr = e.GetProperty("vr").GetString()!;
            var item = ours.GetItem(tag);
            if (item is null)
            {
                differences.Add($"{where}: missing (pydicom has {vr})");
                continue;
            }

            stats.Elements++;
            if (item.VR.ToString() != vr)
            {
                bool unknownToUs = item.VR == DicomVR.UN && !DicomDictionary.Default.TryGet(tag, out _);
                bool explicitUn = item.VR == DicomVR.UN; // file says UN, pydicom substitutes its dictionary VR
                bool pydicomUn = vr == "UN" && item.VR != DicomVR.SQ; // pydicom lacks an entry we have
                bool ambiguousResolved = vr.Contains(" or ", StringComparison.Ordinal);
                if (unknownToUs || explicitUn)
                {
                    stats.UnknownToUs++;
                }
                else if (!pydicomUn && !ambiguousResolved && !(item is DicomSequence && vr == "UN"))
                {
                    differences.Add($"{where}: VR {item.VR}, pydicom {vr}");
                }
            }

            if (e.TryGetProperty("items", out var items))
            {
                if (item is DicomElement { VR: DicomVR.UN, Length: 0 } && items.GetArrayLength() == 0)
                {
                    stats.UnknownToUs++; // an empty sequence in implicit VR that our dictionary does not know: an empty UN value
                    continue;
                }

                if (item is not DicomSequence sequence)
                {
                    differences.Add($"{where}: pydicom has a sequence, we have {item.GetType().Name}");
                    continue;
                }

                var oracleItems = items.EnumerateArray().ToList();
                if (oracleItems.Count != sequence.Items.Count)
                {
                    differences.Add($"{where}: {sequence.Items.Count} items, pydicom {oracleItems.Count}");
                    continue;
                }

                for (int i = 0; i < oracleItems.Count; i++)
                {
                    CompareDataset(oracleItems[i], sequence.Items[i], $"{where}[{i}]", differences, stats);
                }

                continue;
            }

            if (e.TryGetProperty("raw", out var raw))
            {
                byte[] ourBytes = item switch
                {
                    DicomElement element => element.RawValue.ToArray(),
                    DicomFragmentSequence fragments => Encapsulated(fragments),
                    DicomSequence => [],
                    _ => [],
                };
                if (item is DicomSequence)
                {
                    // pydicom kept the bytes (e.g. an explicit UN it could not identify); we parsed the items.
                    continue;
                }

                string expected = raw.GetString()!;
                string actual = Hexed(ourBytes);
                if (expected != actual)
                {
                    differences.Add($"{where} {item.VR}: value {Short(actual)} (length {ourBytes.Length}), pydicom {Short(expected)} (length {e.GetProperty("length").GetInt32()})");
                }
            }

            if (e.TryGetProperty("text", out var text) && item is DicomElement textElement && DicomVRInfo.UsesSpecificCharacterSet(textElement.VR))
            {
                stats.Texts++;
                bool pn = textElement.VR == DicomVR.PN;
                string expected = Normalize(text.GetString()!, pn);
                string actual;
                try
                {
                    actual = Normalize(string.Join('\\', ours.GetValues<string>(tag)), pn);
                }
                catch (DicomException ex)
                {
                    differences.Add($"{where}: decoding failed: {ex.Message}");
                    continue;
                }

                if (expected != actual)
                {
                    differences.Add($"{where} {textElement.VR}: text '{actual}', pydicom '{expected}'");
                }
            }
        }

        foreach (var item in ours)
        {
            if (!seen.Contains(item.Tag.Value))
            {
                differences.Add($"{path}/{item.Tag}: we have {item.VR}, pydicom has nothing");
            }
        }
    }

    // pydicom drops empty trailing component groups of person names ("A^B=" reads as "A^B"); we keep the value as stored.
    private static string Normalize(string text, bool personName) =>
        string.Join('\\', text.Split('\\').Select(v => personName ? v.TrimEnd(' ', '\0').TrimEnd('=') : v.TrimEnd(' ', '\0')));

    /// <summary>The encapsulated value as stored (offset table item, fragment items; no sequence delimiter), like pydicom's raw bytes.</summary>
    public static byte[] Encapsulated(DicomFragmentSequence fragments)
    {
        using var ms = new MemoryStream();
        byte[] header = new byte[8];
        void Item(uint length)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header, 0xFFFE);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 0xE000);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), length);
            ms.Write(header);
        }

        Item((uint)(4 * fragments.BasicOffsetTable.Count));
        foreach (uint offset in fragments.BasicOffsetTable)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header, offset);
            ms.Write(header, 0, 4);
        }

        foreach (var fragment in fragments.Fragments)
        {
            Item(fragment.Length);
            ms.Write(fragment.Data.Span);
        }

        return ms.ToArray();
    }

    /// <summary>Hex of the bytes; longer than 256 bytes as "sha256:hex" (as the script writes).</summary>
    public static string Hexed(byte[] bytes) =>
        bytes.Length > 256 ? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)) : Convert.ToHexStringLower(bytes);

    private static string Short(string s) => s.Length > 80 ? s[..80] + "…" : s;

    /// <summary>A readable list of differences.</summary>
    public static string Report(IEnumerable<string> differences, int max = 40)
    {
        var list = differences.ToList();
        var sb = new StringBuilder();
        foreach (var d in list.Take(max))
        {
            sb.AppendLine(d);
        }

        if (list.Count > max)
        {
            sb.AppendLine($"… and {list.Count - max} more");
        }

        return sb.ToString();
    }
}
