using System.Text;

namespace HeCompute.Dicom.Tests.Model;

/// <summary>The dataset API: typed access, conversions, updates, character sets.</summary>
public class DatasetTests
{
    [Fact]
    public void TypedAccessConvertsBetweenVRsAndNumericTypes()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTag.Rows, (ushort)512);
        ds.AddOrUpdate(DicomTag.SliceThickness, 2.5);
        ds.AddOrUpdate(DicomTag.InstanceNumber, 17);
        ds.AddOrUpdate(DicomTag.PixelSpacing, 0.5, 0.75);
        ds.AddOrUpdate(DicomTag.ImageType, "ORIGINAL", "PRIMARY", "AXIAL");
        ds.AddOrUpdate(DicomTag.WindowCenter, "  40 ", "400");

        Assert.Equal(DicomVR.US, ds.GetItem(DicomTag.Rows)!.VR);
        Assert.Equal(512, ds.GetSingleValue<int>(DicomTag.Rows));
        Assert.Equal(512.0, ds.GetSingleValue<double>(DicomTag.Rows));
        Assert.Equal("512", ds.GetString(DicomTag.Rows));
        Assert.Equal(2.5, ds.GetSingleValue<double>(DicomTag.SliceThickness));
        Assert.Equal(2.5m, ds.GetSingleValue<decimal>(DicomTag.SliceThickness));
        Assert.Equal("2.5", ds.GetString(DicomTag.SliceThickness));
        Assert.Equal(17L, ds.GetSingleValue<long>(DicomTag.InstanceNumber));
        Assert.Equal([0.5, 0.75], ds.GetValues<double>(DicomTag.PixelSpacing));
        Assert.Equal(0.75f, ds.GetValue<float>(DicomTag.PixelSpacing, 1));
        Assert.Equal(["ORIGINAL", "PRIMARY", "AXIAL"], ds.GetValues<string>(DicomTag.ImageType));
        Assert.Equal("ORIGINAL\\PRIMARY\\AXIAL", ds.GetString(DicomTag.ImageType));
        Assert.Equal([40, 400], ds.GetValues<int>(DicomTag.WindowCenter));

        Assert.Throws<DicomDataException>(() => ds.GetSingleValue<int>(DicomTag.PixelSpacing)); // two values, and 0.5 is not an integer
        Assert.Throws<DicomDataException>(() => ds.GetSingleValue<string>(DicomTag.PatientName)); // missing
        Assert.Throws<DicomDataException>(() => ds.GetSingleValue<byte>(new DicomTag(0x0028, 0x0010)).ToString());
        Assert.False(ds.TryGetSingleValue<int>(DicomTag.ImageType, out _));
        Assert.Equal(-1, ds.GetSingleValueOrDefault(DicomTag.PatientAge, -1));
        Assert.Equal("fallback", ds.GetSingleValueOrDefault(DicomTag.PatientAge, "fallback"));
    }

    [Fact]
    public void EmptyValuesAreEmptyArraysAndSingleValueAccessFailsOnThem()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTag.PatientName, Array.Empty<string>());
        Assert.Empty(ds.GetValues<string>(DicomTag.PatientName));
        Assert.Equal(string.Empty, ds.GetString(DicomTag.PatientName));
        Assert.False(ds.TryGetSingleValue<string>(DicomTag.PatientName, out _));
    }

    [Fact]
    public void DatesTimesAndTagsConvert()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTag.StudyDate, new DateTime(2023, 12, 31));
        ds.AddOrUpdate(DicomTag.StudyTime, "101530.25");
        ds.AddOrUpdate(DicomTag.AcquisitionDateTime, "20240229235959.5+0100");
        ds.AddOrUpdate(DicomTag.FrameIncrementPointer, DicomTag.FrameTime);
        Assert.Equal("20231231", ds.GetString(DicomTag.StudyDate));
        Assert.Equal(new DateOnly(2023, 12, 31), ds.GetSingleValue<DateOnly>(DicomTag.StudyDate));
        Assert.Equal(new TimeOnly(10, 15, 30, 250), ds.GetSingleValue<TimeOnly>(DicomTag.StudyTime));
        Assert.Equal(new DateTime(2024, 2, 29, 23, 59, 59, 500), ds.GetSingleValue<DateTime>(DicomTag.AcquisitionDateTime));
        Assert.Equal(DicomTag.FrameTime, ds.GetSingleValue<DicomTag>(DicomTag.FrameIncrementPointer));
        Assert.Equal("(0018,1063)", ds.GetString(DicomTag.FrameIncrementPointer));
        ds.AddOrUpdate(DicomTag.StudyDate, "20231332");
        Assert.Throws<DicomDataException>(() => ds.GetSingleValue<DateTime>(DicomTag.StudyDate));
    }

    [Fact]
    public void ItemsStayInTagOrderAndUpdateRemoveAndCloneWork()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTag.PatientID, "B");
        ds.AddOrUpdate(DicomTag.Modality, "CT");
        ds.AddOrUpdate(DicomTag.PatientName, "A");
        ds.AddOrUpdate(DicomTag.PatientID, "C");
        Assert.Equal([DicomTag.Modality, DicomTag.PatientName, DicomTag.PatientID], ds.Select(i => i.Tag));
        Assert.Equal("C", ds.GetString(DicomTag.PatientID));

        var item = new DicomDataset();
        item.AddOrUpdate(DicomTag.CodeValue, "X");
        ds.AddOrUpdate(new DicomSequence(DicomTag.ReferencedImageSequence, item));
        var clone = ds.Clone();
        clone.GetSequence(DicomTag.ReferencedImageSequence)!.Items[0].AddOrUpdate(DicomTag.CodeValue, "Y");
        Assert.Equal("X", ds.GetSequence(DicomTag.ReferencedImageSequence)!.Items[0].GetString(DicomTag.CodeValue));

        Assert.True(ds.Remove(DicomTag.Modality));
        Assert.False(ds.Remove(DicomTag.Modality));
        ds.Remove(i => i.Tag.Group == 0x0010);
        Assert.Equal([DicomTag.ReferencedImageSequence], ds.Select(i => i.Tag));
        Assert.Throws<ArgumentException>(() => ds.AddOrUpdate(new DicomTag(0x0011, 0x1001), "no VR known"));
        ds.AddOrUpdate(DicomVR.LO, new DicomTag(0x0011, 0x1001), "explicit VR");
        Assert.Equal("explicit VR", ds.GetString(new DicomTag(0x0011, 0x1001)));
    }

    [Fact]
    public void SequenceItemsInheritTheCharacterSetUnlessTheyHaveTheirOwn()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTag.SpecificCharacterSet, "ISO_IR 144");
        var item = new DicomDataset();
        item.AddOrUpdate(new DicomElement(DicomTag.PatientName, DicomVR.PN, new byte[] { 0xBB, 0xEE, 0xDA, 0xE5 }));
        ds.AddOrUpdate(new DicomSequence(DicomTag.OtherPatientIDsSequence, item));
        Assert.Equal("Люкх", item.GetString(DicomTag.PatientName));

        item.AddOrUpdate(DicomTag.SpecificCharacterSet, "ISO_IR 100");
        Assert.Equal("»îÚå", item.GetString(DicomTag.PatientName));

        // Text VRs outside the character set (CS, UI, ...) are the default repertoire.
        ds.AddOrUpdate(DicomTag.PatientID, "Иванов");
        Assert.Equal("Иванов", ds.GetString(DicomTag.PatientID));
        Assert.Equal(new byte[] { 0xB8, 0xD2, 0xD0, 0xDD, 0xDE, 0xD2 }, ds.GetElement(DicomTag.PatientID)!.RawValue.ToArray());
    }

    [Theory]
    [InlineData("ISO 2022 IR 100", new byte[] { 0x1B, 0x2D, 0x41, 0x4A, 0xE9, 0x72, 0xF4, 0x6D, 0x65 }, "Jérôme")]
    [InlineData("ISO 2022 IR 6\\ISO 2022 IR 126", new byte[] { 0x41, 0x1B, 0x2D, 0x46, 0xC4, 0xE9, 0x5E, 0x42 }, "AΔι^B")]
    [InlineData("\\ISO 2022 IR 144", new byte[] { 0x1B, 0x2D, 0x4C, 0xBB, 0xEE, 0x3D, 0x5A }, "Лю=Z")]
    [InlineData("ISO_IR 192", new byte[] { 0xE7, 0x8E, 0x8B }, "王")]
    [InlineData("GB18030", new byte[] { 0xCD, 0xF5 }, "王")]
    [InlineData("ISO_IR 13", new byte[] { 0xD4, 0xCF, 0xC0, 0xDE }, "ﾔﾏﾀﾞ")]
    [InlineData("ISO-IR 100", new byte[] { 0xC4 }, "Ä")]
    [InlineData("ISO_IR 166", new byte[] { 0xA1 }, "ก")]
    public void CharacterSetsDecode(string charset, byte[] value, string expected)
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(new DicomElement(DicomTag.SpecificCharacterSet, DicomVR.CS, Encoding.ASCII.GetBytes(charset)));
        ds.AddOrUpdate(new DicomElement(DicomTag.PatientName, DicomVR.PN, value));
        Assert.Equal(expected, ds.GetString(DicomTag.PatientName));
    }

    [Fact]
    public void UndecodableValuesFailPerValueWithADicomException()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTag.SpecificCharacterSet, "ISO_IR 999");
        ds.AddOrUpdate(new DicomElement(DicomTag.PatientID, DicomVR.LO, "ASCII is fine"u8.ToArray()));
        ds.AddOrUpdate(new DicomElement(DicomTag.PatientName, DicomVR.PN, new byte[] { 0x41, 0xC4 }));
        Assert.Equal("ASCII is fine", ds.GetString(DicomTag.PatientID));
        Assert.Throws<DicomDataException>(() => ds.GetString(DicomTag.PatientName));

        ds.AddOrUpdate(DicomTag.SpecificCharacterSet, "ISO_IR 192");
        ds.AddOrUpdate(new DicomElement(DicomTag.PatientName, DicomVR.PN, new byte[] { 0xC3, 0x28 }));
        Assert.Throws<DicomDataException>(() => ds.GetString(DicomTag.PatientName));

        // JIS X 0212 is not decodable with .NET's code pages: a clear error, not wrong characters.
        ds.AddOrUpdate(new DicomElement(DicomTag.SpecificCharacterSet, DicomVR.CS, "\\ISO 2022 IR 159"u8.ToArray()));
        ds.AddOrUpdate(new DicomElement(DicomTag.PatientName, DicomVR.PN, new byte[] { 0x1B, 0x24, 0x28, 0x44, 0x30, 0x21 }));
        Assert.Throws<DicomDataException>(() => ds.GetString(DicomTag.PatientName));

        // An escape sequence nobody defined.
        ds.AddOrUpdate(new DicomElement(DicomTag.SpecificCharacterSet, DicomVR.CS, "\\ISO 2022 IR 87"u8.ToArray()));
        ds.AddOrUpdate(new DicomElement(DicomTag.PatientName, DicomVR.PN, new byte[] { 0x1B, 0x25, 0x47, 0x41 }));
        Assert.Throws<DicomDataException>(() => ds.GetString(DicomTag.PatientName));
    }

    [Fact]
    public void TagsParseAndFormat()
    {
        Assert.Equal(DicomTag.PatientName, DicomTag.Parse("(0010,0010)"));
        Assert.Equal(DicomTag.PixelData, DicomTag.Parse("7FE00010"));
        Assert.Equal(DicomTag.PixelData, DicomTag.Parse("7fe0,0010"));
        Assert.Throws<FormatException>(() => DicomTag.Parse("(0010,001G)"));
        Assert.Equal("(7FE0,0010)", DicomTag.PixelData.ToString());
        Assert.True(new DicomTag(0x0029, 0x0010).IsPrivateCreator);
        Assert.Equal(new DicomTag(0x0029, 0x0010), new DicomTag(0x0029, 0x1001).PrivateCreatorTag);
        Assert.Equal("PatientName", DicomTag.PatientName.Keyword);
        Assert.True(DicomTag.PatientName < DicomTag.PatientID);
    }

    [Fact]
    public void TransferSyntaxLookup()
    {
        Assert.Same(DicomTransferSyntax.JPEGBaseline1, DicomTransferSyntax.Lookup("1.2.840.10008.1.2.4.50\0"));
        var unknown = DicomTransferSyntax.Lookup("1.2.3.4");
        Assert.Equal("unknown", unknown.Name);
        Assert.True(unknown.IsEncapsulated);
        Assert.True(unknown.IsExplicitVR);
        Assert.True(DicomTransferSyntax.ExplicitVRBigEndian.IsBigEndian);
        Assert.True(DicomTransferSyntax.DeflatedExplicitVRLittleEndian.IsDeflate);
        Assert.False(DicomTransferSyntax.ImplicitVRLittleEndian.IsExplicitVR);
        Assert.True(DicomTransferSyntax.JPEG2000.IsLossy);
        Assert.False(DicomTransferSyntax.JPEGLossless14SV1.IsLossy);
    }
}
