using HeCompute.Dicom.Deidentification;

namespace HeCompute.Dicom.Tests.Deidentification;

public sealed class ProfileTableTests
{
    [Fact]
    public void Table_loads_with_every_row_of_the_standard_we_typed()
    {
        var table = ConfidentialityProfileTable.Default;
        Assert.True(table.Rows.Count >= 450, $"{table.Rows.Count} rows");
        Assert.Equal(table.Rows.Count, table.Rows.Select(r => r.TagPattern).Distinct().Count());
        Assert.Single(table.Rows, r => r.IsPrivateAttributes);
        Assert.All(table.Rows, r => Assert.NotEqual(ProfileAction.None, r.Basic));

        // Option cells only ever keep or clean.
        Assert.All(table.Rows.SelectMany(r => r.OptionActions.Values), a => Assert.Contains(a, new[] { ProfileAction.Keep, ProfileAction.Clean }));

        // Every U row is a UID attribute, and every UI attribute in the table is U (or removed/dummied per the standard).
        Assert.All(table.Rows.Where(r => r.Basic == ProfileAction.ReplaceUid), r => Assert.Equal("UI", r.ValueRepresentation));
        Assert.All(table.Rows.Where(r => r.ValueRepresentation == "UI"), r => Assert.Equal(ProfileAction.Keep, r.OptionAction(ProfileColumn.RetainUids)));
    }

    /// <summary>Spot checks against the standard, written independently of the TSV.</summary>
    [Theory]
    [InlineData("(0010,0010)", "PatientName", "Z", "", "")]
    [InlineData("(0010,0020)", "PatientID", "Z", "", "")]
    [InlineData("(0010,0030)", "PatientBirthDate", "Z", "", "")]
    [InlineData("(0008,0050)", "AccessionNumber", "Z", "", "")]
    [InlineData("(0008,0090)", "ReferringPhysicianName", "Z", "", "")]
    [InlineData("(0020,0010)", "StudyID", "Z", "", "")]
    [InlineData("(0008,0020)", "StudyDate", "Z", "RtnLongModifDates", "C")]
    [InlineData("(0008,0020)", "StudyDate", "Z", "RtnLongFullDates", "K")]
    [InlineData("(0008,0023)", "ContentDate", "Z/D", "RtnLongModifDates", "C")]
    [InlineData("(0008,0022)", "AcquisitionDate", "X/Z", "RtnLongModifDates", "C")]
    [InlineData("(0008,002A)", "AcquisitionDateTime", "X/D", "RtnLongModifDates", "C")]
    [InlineData("(0008,0021)", "SeriesDate", "X/D", "RtnLongFullDates", "K")]
    [InlineData("(0020,000D)", "StudyInstanceUID", "U", "RtnUIDs", "K")]
    [InlineData("(0020,000E)", "SeriesInstanceUID", "U", "RtnUIDs", "K")]
    [InlineData("(0008,0018)", "SOPInstanceUID", "U", "RtnUIDs", "K")]
    [InlineData("(0020,0052)", "FrameOfReferenceUID", "U", "RtnUIDs", "K")]
    [InlineData("(0008,1155)", "ReferencedSOPInstanceUID", "U", "RtnUIDs", "K")]
    [InlineData("(0008,1140)", "ReferencedImageSequence", "X/Z/U*", "RtnUIDs", "K")]
    [InlineData("(0008,2112)", "SourceImageSequence", "X/Z/U*", "RtnUIDs", "K")]
    [InlineData("(0008,0080)", "InstitutionName", "X/Z/D", "RtnInstId", "K")]
    [InlineData("(0008,0081)", "InstitutionAddress", "X", "RtnInstId", "K")]
    [InlineData("(0008,1010)", "StationName", "X/Z/D", "RtnDevId", "K")]
    [InlineData("(0018,1000)", "DeviceSerialNumber", "X/Z/D", "RtnDevId", "K")]
    [InlineData("(0010,1010)", "PatientAge", "X", "RtnPatChars", "K")]
    [InlineData("(0010,0040)", "PatientSex", "Z", "RtnPatChars", "K")]
    [InlineData("(0010,1030)", "PatientWeight", "X", "RtnPatChars", "K")]
    [InlineData("(0010,1020)", "PatientSize", "X", "RtnPatChars", "K")]
    [InlineData("(0008,103E)", "SeriesDescription", "X", "CleanDesc", "C")]
    [InlineData("(0008,1030)", "StudyDescription", "X", "CleanDesc", "C")]
    [InlineData("(0020,4000)", "ImageComments", "X", "CleanDesc", "C")]
    [InlineData("(0018,1030)", "ProtocolName", "X/D", "CleanDesc", "C")]
    [InlineData("(0010,1040)", "PatientAddress", "X", "", "")]
    [InlineData("(0010,1000)", "OtherPatientIDs", "X", "", "")]
    [InlineData("(0010,1001)", "OtherPatientNames", "X", "", "")]
    [InlineData("(0008,1070)", "OperatorsName", "X/Z/D", "", "")]
    [InlineData("(0008,1050)", "PerformingPhysicianName", "X", "", "")]
    [InlineData("(0040,A123)", "PersonName", "D", "", "")]
    [InlineData("(0040,A730)", "ContentSequence", "X", "CleanStructCont", "C")]
    [InlineData("(0070,0001)", "GraphicAnnotationSequence", "D", "CleanGraph", "C")]
    [InlineData("(0088,0200)", "IconImageSequence", "X", "", "")]
    [InlineData("(FFFA,FFFA)", "DigitalSignaturesSequence", "X", "", "")]
    [InlineData("(0018,4000)", "AcquisitionComments", "X", "CleanDesc", "C")]
    public void Row_matches_the_standard(string tag, string keyword, string basic, string column, string optionAction)
    {
        Assert.True(ConfidentialityProfileTable.Default.TryGetRow(DicomTag.Parse(tag), out var row));
        Assert.Equal(keyword, row.Keyword);
        Assert.Equal(basic, ConfidentialityProfileTable.Format(row.Basic));
        if (column.Length > 0)
        {
            var col = Enum.GetValues<ProfileColumn>().Single(c => ConfidentialityProfileTable.Format(c) == column);
            Assert.Equal(optionAction, ConfidentialityProfileTable.Format(row.OptionAction(col)));
        }
    }

    [Theory]
    [InlineData(0x5000, 0x3000, "CurveData")]
    [InlineData(0x501E, 0x0010, "CurveData")]
    [InlineData(0x6000, 0x3000, "OverlayData")]
    [InlineData(0x6002, 0x4000, "OverlayComments")]
    [InlineData(0x0009, 0x1001, "PrivateAttributes")]
    [InlineData(0x7FE1, 0x0010, "PrivateAttributes")]
    public void Masks_and_private_rows_match(int group, int element, string keyword)
    {
        Assert.True(ConfidentialityProfileTable.Default.TryGetRow(new DicomTag((ushort)group, (ushort)element), out var row));
        Assert.Equal(keyword, row.Keyword);
    }

    [Theory]
    [InlineData(0x6000, 0x0010)] // Overlay Rows: not in the table
    [InlineData(0x0028, 0x0010)] // Rows
    [InlineData(0x0008, 0x0016)] // SOP Class UID
    [InlineData(0x7FE0, 0x0010)] // Pixel Data
    public void Unlisted_attributes_are_not_matched(int group, int element) =>
        Assert.False(ConfidentialityProfileTable.Default.TryGetRow(new DicomTag((ushort)group, (ushort)element), out _));

    [Fact]
    public void Table_agrees_with_the_data_dictionary_where_both_know_an_attribute()
    {
        var mismatches = new List<string>();
        int known = 0;
        foreach (var row in ConfidentialityProfileTable.Default.Rows)
        {
            if (row.Tag is not { } tag || !DicomDictionary.Default.TryGet(tag, out var entry))
            {
                continue;
            }

            known++;
            if (!string.Equals(entry.Keyword, row.Keyword, StringComparison.Ordinal) && !entry.Keyword.EndsWith(row.Keyword, StringComparison.Ordinal))
            {
                mismatches.Add($"{row.TagPattern}: table {row.Keyword}, dictionary {entry.Keyword}");
            }

            if (!row.ValueRepresentation.Split('/').Contains(entry.DefaultVR.ToString()))
            {
                mismatches.Add($"{row.TagPattern} {row.Keyword}: table VR {row.ValueRepresentation}, dictionary {entry.DefaultVR}");
            }
        }

        Assert.True(known > 0);
        Assert.Empty(mismatches);
    }

    [Fact]
    public void Parse_rejects_malformed_tables()
    {
        Assert.Throws<FormatException>(() => ConfidentialityProfileTable.Parse("Tag\tName\tKeyword\tVR\tRetired\tBasic\n(0010,0010)\tx\tX\tPN\tN\tQ\n"));
        Assert.Throws<FormatException>(() => ConfidentialityProfileTable.Parse("Tag\tName\tKeyword\tVR\tRetired\tBasic\n(0010,0010\tx\tX\tPN\tN\tZ\n"));
        Assert.Throws<FormatException>(() => ConfidentialityProfileTable.Parse("no header"));
    }
}
