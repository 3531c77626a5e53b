using System.Text;
using System.Text.Json;
using HeCompute.Dicom.Deidentification;

namespace HeCompute.Dicom.Tests.Deidentification;

public sealed class BehaviourTests
{
    private static readonly DicomTag BurnedIn = new(0x0028, 0x0301);
    private static readonly DicomTag Modality = new(0x0008, 0x0060);
    private static readonly DicomTag SopClass = new(0x0008, 0x0016);

    private static DicomDeidentifier Basic(bool allowBurnedIn = false) =>
        new(new DeidentificationOptions(EveryAttributeTests.Secret) { AllowBurnedInAnnotation = allowBurnedIn });

    [Fact]
    public void Burned_in_annotation_yes_is_refused_unless_the_caller_opts_in()
    {
        var ds = new Fixtures().Patient();
        ds.AddOrUpdate(Fixtures.Element(Modality, DicomVR.CS, "CT"));
        ds.AddOrUpdate(Fixtures.Element(BurnedIn, DicomVR.CS, "YES"));
        var ex = Assert.Throws<BurnedInAnnotationException>(() => Basic().Deidentify(ds));
        Assert.DoesNotContain(Fixtures.Surname, ex.Message, StringComparison.Ordinal);
        var (_, report) = Basic(allowBurnedIn: true).Deidentify(ds);
        Assert.True(report.BurnedInAnnotationAccepted);
        Assert.DoesNotContain("113101", report.MethodCodes);
    }

    [Theory]
    [InlineData("US", null)]
    [InlineData("OT", null)]
    [InlineData(null, "1.2.840.10008.5.1.4.1.1.7")]
    [InlineData(null, "1.2.840.10008.5.1.4.1.1.7.4")]
    [InlineData(null, "1.2.840.10008.5.1.4.1.1.6.1")]
    [InlineData(null, "1.2.840.10008.5.1.4.1.1.3.1")]
    [InlineData(null, "1.2.840.10008.5.1.4.1.1.77.1.6")]
    [InlineData(null, "1.2.840.10008.5.1.4.1.1.104.1")]
    public void Likely_burned_in_images_are_refused_without_an_explicit_no(string? modality, string? sopClass)
    {
        var ds = new Fixtures().Patient();
        if (modality is not null)
        {
            ds.AddOrUpdate(Fixtures.Element(Modality, DicomVR.CS, modality));
        }

        if (sopClass is not null)
        {
            ds.AddOrUpdate(Fixtures.Element(SopClass, DicomVR.UI, sopClass));
        }

        Assert.Throws<BurnedInAnnotationException>(() => Basic().Deidentify(ds));
        Assert.True(Basic(allowBurnedIn: true).Deidentify(ds).Report.BurnedInAnnotationAccepted);
        var notConservative = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret) { RefuseLikelyBurnedInAnnotation = false });
        Assert.False(notConservative.Deidentify(ds).Report.BurnedInAnnotationAccepted);

        ds.AddOrUpdate(Fixtures.Element(BurnedIn, DicomVR.CS, "NO"));
        Assert.False(Basic().Deidentify(ds).Report.BurnedInAnnotationAccepted);
    }

    [Theory]
    [InlineData("CT", "1.2.840.10008.5.1.4.1.1.2")]
    [InlineData("MR", "1.2.840.10008.5.1.4.1.1.4")]
    [InlineData("CR", "1.2.840.10008.5.1.4.1.1.1")]
    [InlineData(null, "1.2.840.10008.5.1.4.1.1.77")] // not a VL class
    public void Ordinary_images_are_accepted(string? modality, string sopClass)
    {
        var ds = new Fixtures().Patient();
        if (modality is not null)
        {
            ds.AddOrUpdate(Fixtures.Element(Modality, DicomVR.CS, modality));
        }

        ds.AddOrUpdate(Fixtures.Element(SopClass, DicomVR.UI, sopClass));
        Assert.False(Basic().Deidentify(ds).Report.BurnedInAnnotationAccepted);
    }

    [Fact]
    public void Method_attributes_name_the_profile_and_each_option()
    {
        var opts = new DeidentificationOptions(EveryAttributeTests.Secret)
        {
            Options = ConfidentialityOptions.CleanDescriptors | ConfidentialityOptions.RetainLongitudinalModifiedDates | ConfidentialityOptions.RetainPatientCharacteristics
                | ConfidentialityOptions.RetainDeviceIdentity | ConfidentialityOptions.RetainUids | ConfidentialityOptions.RetainSafePrivate,
        };
        var (r, report) = new DicomDeidentifier(opts).Deidentify(new Fixtures().Patient());
        Assert.Equal("YES", r.GetString(new DicomTag(0x0012, 0x0062)));
        var codes = r.GetSequence(new DicomTag(0x0012, 0x0064))!.Items;
        Assert.Equal(["113100", "113105", "113107", "113108", "113109", "113110", "113111"], codes.Select(c => c.GetString(new DicomTag(0x0008, 0x0100))).ToArray());
        Assert.All(codes, c => Assert.Equal("DCM", c.GetString(new DicomTag(0x0008, 0x0102))));
        Assert.Equal("Basic Application Confidentiality Profile", codes[0].GetString(new DicomTag(0x0008, 0x0104)));
        Assert.Equal(report.MethodCodes, codes.Select(c => c.GetString(new DicomTag(0x0008, 0x0100))).ToArray());
        Assert.Equal(7, r.GetValues<string>(new DicomTag(0x0012, 0x0063)).Length);
        Assert.Equal("MODIFIED", r.GetString(new DicomTag(0x0028, 0x0303)));

        var (basic, _) = Basic().Deidentify(new Fixtures().Patient());
        Assert.Equal(["113100"], basic.GetSequence(new DicomTag(0x0012, 0x0064))!.Items.Select(c => c.GetString(new DicomTag(0x0008, 0x0100))).ToArray());
    }

    [Fact]
    public void Input_is_not_modified()
    {
        var f = new Fixtures();
        var input = f.EveryAttribute(ConfidentialityProfileTable.Default);
        byte[] before = Fixtures.AllValueBytes(input);
        _ = Basic().Deidentify(input);
        Assert.Equal(before, Fixtures.AllValueBytes(input));
    }

    [Fact]
    public void Report_serializes_to_json_with_paths_and_outcomes_only()
    {
        var f = new Fixtures();
        var (_, report) = Basic().Deidentify(f.EveryAttribute(ConfidentialityProfileTable.Default));
        string json = report.ToJson();
        using var doc = JsonDocument.Parse(json);
        var entries = doc.RootElement.GetProperty("Entries");
        Assert.True(entries.GetArrayLength() > 1000);
        Assert.Contains(entries.EnumerateArray(), e => e.GetProperty("Path").GetString() == "(0008,1115)[0]/(0008,114A)[0]/(0010,0010)" && e.GetProperty("Outcome").GetString() == "Emptied");
        Assert.Contains(entries.EnumerateArray(), e => e.GetProperty("Outcome").GetString() == "UidRemapped");
        Assert.Empty(f.Survivors(Encoding.UTF8.GetBytes(json)));
        var back = JsonSerializer.Deserialize<DeidentificationReport>(json)!;
        Assert.Equal(report.Entries.Count, back.Entries.Count);
        Assert.Equal(report.Entries[5], back.Entries[5]);
    }

    [Fact]
    public void Options_validate_and_never_print_the_secret()
    {
        byte[] secret = Encoding.ASCII.GetBytes("TOP-SECRET-VALUE-0123456789abcdef");
        var opts = new DeidentificationOptions(secret);
        Assert.DoesNotContain("TOP-SECRET", opts.ToString(), StringComparison.Ordinal);
        secret[0] = (byte)'X';
        Assert.Equal((byte)'T', opts.Secret.Span[0]); // copied in
        Assert.Throws<ArgumentException>(() => new DeidentificationOptions(new byte[8]));
        Assert.Throws<ArgumentException>(() => new DicomDeidentifier(opts with
        {
            Options = ConfidentialityOptions.RetainLongitudinalFullDates | ConfidentialityOptions.RetainLongitudinalModifiedDates,
        }));
        Assert.Equal(opts, opts with { });
        Assert.NotEqual(opts, new DeidentificationOptions(Encoding.ASCII.GetBytes("another-secret-value-0123456789")));
    }

    [Fact]
    public void Clean_descriptors_removes_identifiers_from_free_text()
    {
        var ds = new Fixtures().Patient();
        ds.AddOrUpdate(Fixtures.Element(new DicomTag(0x0008, 0x0080), DicomVR.LO, "Saint Elsewhere General"));
        ds.AddOrUpdate(Fixtures.Element(new DicomTag(0x0008, 0x1030), DicomVR.LO, "CT CHEST Quixwell 1947-03-11"));
        ds.AddOrUpdate(Fixtures.Element(new DicomTag(0x0008, 0x103E), DicomVR.LO, "AX 5mm MRN7731904 Elsewhere"));
        ds.AddOrUpdate(Fixtures.Element(new DicomTag(0x0020, 0x4000), DicomVR.LT, "call 555-123-4567 or dr@example.org re 1.2.3.4.5"));
        var opts = new DeidentificationOptions(EveryAttributeTests.Secret) { Options = ConfidentialityOptions.CleanDescriptors };
        var (r, _) = new DicomDeidentifier(opts).Deidentify(ds);
        Assert.Equal("CT CHEST", r.GetString(new DicomTag(0x0008, 0x1030)));
        Assert.Equal("AX 5mm", r.GetString(new DicomTag(0x0008, 0x103E)));
        Assert.Equal("call or re", r.GetString(new DicomTag(0x0020, 0x4000)));

        var custom = opts with { DescriptorCleaner = (tag, text) => tag == new DicomTag(0x0008, 0x1030) ? null : text.ToUpperInvariant() };
        var (r2, report) = new DicomDeidentifier(custom).Deidentify(ds);
        Assert.Equal(0, ((DicomElement)r2.GetItem(new DicomTag(0x0008, 0x1030))!).Length);
        Assert.Equal("AX 5MM", r2.GetString(new DicomTag(0x0008, 0x103E)));
        Assert.Contains(report.Entries, e => e.Path == "(0008,1030)" && e.Outcome == AttributeOutcome.Emptied);
    }

    [Fact]
    public void Unknown_un_values_holding_sequences_are_removed_and_un_uids_remapped()
    {
        byte[] items = [0xFE, 0xFF, 0x00, 0xE0, 0x08, 0x00, 0x00, 0x00, 0x10, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00];
        var ds = new DicomDataset(
            new DicomElement(new DicomTag(0x300C, 0x0002), DicomVR.UN, items),
            Fixtures.Element(new DicomTag(0x3004, 0x0099), DicomVR.UN, "1.2.826.0.1.3680043.99.77.1"),
            new DicomElement(new DicomTag(0x3004, 0x0098), DicomVR.UN, new byte[] { 1, 2, 3, 4 }));
        var (r, report) = Basic().Deidentify(ds);
        Assert.Null(r.GetItem(new DicomTag(0x300C, 0x0002)));
        var uid = (DicomElement)r.GetItem(new DicomTag(0x3004, 0x0099))!;
        Assert.Equal(DicomVR.UI, uid.VR);
        Assert.StartsWith("2.25.", Encoding.ASCII.GetString(uid.RawValue.Span), StringComparison.Ordinal);
        Assert.NotNull(r.GetItem(new DicomTag(0x3004, 0x0098)));
        Assert.Contains(report.Entries, e => e.Path == "(300C,0002)" && e.Outcome == AttributeOutcome.Removed);
    }

    [Fact]
    public void Listed_attributes_read_as_un_use_the_table_vr()
    {
        var ds = new DicomDataset(
            Fixtures.Element(new DicomTag(0x0020, 0x000D), DicomVR.UN, "1.2.826.0.1.3680043.99.78.1"),
            Fixtures.Element(new DicomTag(0x0008, 0x0080), DicomVR.UN, "St Elsewhere"));
        var d = Basic();
        var (r, _) = d.Deidentify(ds);
        var study = (DicomElement)r.GetItem(new DicomTag(0x0020, 0x000D))!;
        Assert.Equal(DicomVR.UI, study.VR);
        Assert.Equal(d.MapUid("1.2.826.0.1.3680043.99.78.1"), r.GetString(new DicomTag(0x0020, 0x000D)));
        Assert.Equal("ANONYMOUS", r.GetString(new DicomTag(0x0008, 0x0080)));
        Assert.Equal(DicomVR.LO, r.GetItem(new DicomTag(0x0008, 0x0080))!.VR);
    }

    [Fact]
    public void File_meta_follows_the_dataset_and_loses_system_names()
    {
        var f = new Fixtures();
        string sop = f.NewUid();
        var ds = f.Patient();
        ds.AddOrUpdate(Fixtures.Element(SopClass, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2"));
        ds.AddOrUpdate(Fixtures.Element(new DicomTag(0x0008, 0x0018), DicomVR.UI, sop));
        var meta = new DicomDataset(
            Fixtures.Element(new DicomTag(0x0002, 0x0002), DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2"),
            Fixtures.Element(new DicomTag(0x0002, 0x0003), DicomVR.UI, sop),
            Fixtures.Element(new DicomTag(0x0002, 0x0010), DicomVR.UI, "1.2.840.10008.1.2.1"),
            Fixtures.Element(new DicomTag(0x0002, 0x0016), DicomVR.AE, "HOSPITAL_PACS"),
            Fixtures.Element(new DicomTag(0x0002, 0x0100), DicomVR.UI, "1.2.826.0.1.3680043.99.1000"),
            new DicomElement(new DicomTag(0x0002, 0x0102), DicomVR.OB, Fixtures.Text(Fixtures.Surname, DicomVR.OB)));
        var (result, report) = Basic().Deidentify(new DicomFile(meta, ds));
        Assert.Equal(result.Dataset.GetString(new DicomTag(0x0008, 0x0018)), result.FileMetaInfo.GetString(new DicomTag(0x0002, 0x0003)));
        Assert.NotEqual(sop, result.FileMetaInfo.GetString(new DicomTag(0x0002, 0x0003)));
        Assert.Null(result.FileMetaInfo.GetItem(new DicomTag(0x0002, 0x0016)));
        Assert.Null(result.FileMetaInfo.GetItem(new DicomTag(0x0002, 0x0100)));
        Assert.Null(result.FileMetaInfo.GetItem(new DicomTag(0x0002, 0x0102)));
        Assert.Contains(report.Entries, e => e.Path == "meta/(0002,0016)" && e.Outcome == AttributeOutcome.Removed);

        using var written = new MemoryStream();
        result.Save(written);
        string bytes = Encoding.Latin1.GetString(written.ToArray());
        Assert.DoesNotContain("HOSPITAL_PACS", bytes, StringComparison.Ordinal);
        Assert.Empty(f.Survivors(written.ToArray()));
        written.Position = 0;
        var back = DicomFile.Open(written);
        Assert.Equal("YES", back.Dataset.GetString(new DicomTag(0x0012, 0x0062)));
    }
}
