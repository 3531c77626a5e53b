using System.Reflection;
using System.Text.Json;

namespace HeCompute.Dicom.Tests.Dictionary;

public class DictionaryTests
{
    private static readonly Dictionary<string, DicomTag> Constants = typeof(DicomTag)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DicomTag))
        .ToDictionary(f => f.Name, f => (DicomTag)f.GetValue(null)!);

    [Fact]
    public void EveryDictionaryEntryHasAConstantWithItsTag()
    {
        var entries = DicomDictionary.Default.Entries;
        Assert.True(entries.Count > 900, $"only {entries.Count} entries");
        foreach (var entry in entries)
        {
            Assert.True(Constants.TryGetValue(entry.Keyword, out var tag), $"DicomTag.{entry.Keyword} missing (rerun build_dictionary.py)");
            Assert.Equal(entry.Tag, tag);
        }
    }

    [Fact]
    public void EveryGeneratedConstantIsInTheDictionary()
    {
        var delimiters = new[] { nameof(DicomTag.Item), nameof(DicomTag.ItemDelimitationItem), nameof(DicomTag.SequenceDelimitationItem) };
        foreach (var (name, tag) in Constants)
        {
            if (delimiters.Contains(name))
            {
                continue;
            }

            Assert.True(DicomDictionary.Default.TryGet(name, out var entry), $"DicomTag.{name} is not in dictionary.tsv");
            Assert.Equal(tag, entry.Tag);
        }
    }

    [Fact]
    public void LooksUpExactRepeatingGroupLengthAndPrivateCreatorEntries()
    {
        var dictionary = DicomDictionary.Default;
        Assert.True(dictionary.TryGet(new DicomTag(0x0010, 0x0010), out var name));
        Assert.Equal("PatientName", name.Keyword);
        Assert.Equal(DicomVR.PN, name.DefaultVR);

        Assert.True(dictionary.TryGet(new DicomTag(0x6002, 0x3000), out var overlay));
        Assert.Equal("OverlayData", overlay.Keyword);
        Assert.Equal([DicomVR.OB, DicomVR.OW], overlay.ValueRepresentations);
        Assert.False(dictionary.TryGet(new DicomTag(0x6001, 0x3000), out _)); // odd group: private, not an overlay

        Assert.True(dictionary.TryGet(new DicomTag(0x0028, 0x0000), out var groupLength));
        Assert.Equal(DicomVR.UL, groupLength.DefaultVR);
        Assert.True(dictionary.TryGet(new DicomTag(0x0029, 0x0010), out var creator));
        Assert.Equal(DicomVR.LO, creator.DefaultVR);
        Assert.False(dictionary.TryGet(new DicomTag(0x0029, 0x1010), out _));
    }

    [Fact]
    public void HoldsEveryFileMetaElement()
    {
        foreach (var keyword in new[] { "FileMetaInformationGroupLength", "FileMetaInformationVersion", "MediaStorageSOPClassUID", "MediaStorageSOPInstanceUID", "TransferSyntaxUID", "ImplementationClassUID", "ImplementationVersionName", "SourceApplicationEntityTitle", "SendingApplicationEntityTitle", "ReceivingApplicationEntityTitle", "PrivateInformationCreatorUID", "PrivateInformation" })
        {
            Assert.True(DicomDictionary.Default.TryGet(keyword, out var entry), keyword);
            Assert.Equal(0x0002, entry.Tag.Group);
        }
    }

    [Fact]
    public void EveryPs315AnnexETagIsInTheDictionary()
    {
        string table = Path.Combine(AppContext.BaseDirectory, "Dictionary", "tools", "annex-e-tags.txt");
        int count = 0;
        foreach (string line in File.ReadLines(table))
        {
            string text = line.Split('#')[0].Trim();
            if (text.Length == 0)
            {
                continue;
            }

            count++;
            string probe = text.Replace('X', '0').Replace('x', '0');
            if (text.Contains("XXXX", StringComparison.OrdinalIgnoreCase))
            {
                probe = text[..5].Replace('X', '0').Replace('x', '0') + "3000"; // curve data (50xx,xxxx): its data element
            }

            Assert.True(DicomDictionary.Default.TryGet(DicomTag.Parse(probe), out var entry), $"Annex E attribute {text} is not in the dictionary");
            Assert.False(string.IsNullOrEmpty(entry.Keyword));
        }

        Assert.True(count > 550, $"only {count} Annex E rows");
    }

    [Fact]
    public void EntriesAgreeWithPydicomsCopyOfPs36()
    {
        // pydicom's dictionary (an independent transcription of PS3.6) for every tag we have; newer attributes it lacks are skipped.
        var entries = DicomDictionary.Default.Entries;
        string script = """
import json, sys
from pydicom._dicom_dict import DicomDictionary, RepeatersDictionary
out = {}
for key in sys.stdin.read().split():
    if 'x' in key:
        v = RepeatersDictionary.get(key.replace(',', ''))
    else:
        v = DicomDictionary.get(int(key.replace(',', ''), 16))
    if v: out[key] = v
print(json.dumps(out))
""";
        var start = new System.Diagnostics.ProcessStartInfo(ExternalTools.PythonWithPydicom(), ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Write(string.Join(' ', entries.Select(Key)));
        process.StandardInput.Close();
        string json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        using var doc = JsonDocument.Parse(json);
        int compared = 0;
        foreach (var entry in entries)
        {
            if (!doc.RootElement.TryGetProperty(Key(entry), out var facts))
            {
                continue;
            }

            compared++;
            Assert.Equal(facts[0].GetString()!.Replace(" or ", "/", StringComparison.Ordinal), string.Join('/', entry.ValueRepresentations));
            Assert.Equal(facts[1].GetString(), entry.ValueMultiplicity);
            Assert.Equal(facts[2].GetString(), entry.Name);
            Assert.Equal(facts[3].GetString()!.Length > 0, entry.IsRetired);
            Assert.Equal(facts[4].GetString(), entry.Keyword);
        }

        Assert.True(compared > entries.Count * 9 / 10, $"pydicom knows only {compared} of {entries.Count} entries");
    }

    private static string Key(DicomDictionaryEntry entry)
    {
        string hex = entry.Tag.Value.ToString("X8", System.Globalization.CultureInfo.InvariantCulture);
        if (entry.IsRepeating)
        {
            return (hex[..2] + "xx" + hex[4..]).ToUpperInvariant().Replace("XX", "xx", StringComparison.Ordinal);
        }

        return hex;
    }
}
