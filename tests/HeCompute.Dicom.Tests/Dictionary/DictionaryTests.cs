using System.Reflection;

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
}
