using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HeCompute.Dicom.Deidentification;

namespace HeCompute.Dicom.Tests.Deidentification;

public sealed class UidAndDateTests
{
    private static readonly DicomTag StudyUid = new(0x0020, 0x000D);
    private static readonly DicomTag SeriesUid = new(0x0020, 0x000E);
    private static readonly DicomTag SopUid = new(0x0008, 0x0018);
    private static readonly DicomTag SopClass = new(0x0008, 0x0016);
    private static readonly DicomTag ForUid = new(0x0020, 0x0052);
    private static readonly DicomTag RefImageSeq = new(0x0008, 0x1140);
    private static readonly DicomTag RefSopUid = new(0x0008, 0x1155);
    private static readonly DicomTag RefSopClass = new(0x0008, 0x1150);
    private static readonly DicomTag StudyDate = new(0x0008, 0x0020);
    private static readonly DicomTag SeriesDate = new(0x0008, 0x0021);
    private static readonly DicomTag AcqDateTime = new(0x0008, 0x002A);
    private static readonly DicomTag StudyTime = new(0x0008, 0x0030);

    private static (DicomDataset A, DicomDataset B, string Study, string SopA) TwoFilesOfOneStudy(Fixtures f, string patientId = Fixtures.PatientIdValue)
    {
        string study = f.NewUid(), series = f.NewUid(), frame = f.NewUid(), sopA = f.NewUid(), sopB = f.NewUid();
        DicomDataset Make(string sop, string? reference)
        {
            var ds = f.Patient(patientId);
            ds.AddOrUpdate(Fixtures.Element(SopClass, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2"));
            ds.AddOrUpdate(Fixtures.Element(SopUid, DicomVR.UI, sop));
            ds.AddOrUpdate(Fixtures.Element(StudyUid, DicomVR.UI, study));
            ds.AddOrUpdate(Fixtures.Element(SeriesUid, DicomVR.UI, series));
            ds.AddOrUpdate(Fixtures.Element(ForUid, DicomVR.UI, frame));
            ds.AddOrUpdate(Fixtures.Element(new DicomTag(0x0008, 0x0060), DicomVR.CS, "CT"));
            ds.AddOrUpdate(Fixtures.Element(StudyDate, DicomVR.DA, "20240229"));
            ds.AddOrUpdate(Fixtures.Element(SeriesDate, DicomVR.DA, reference is null ? "20240301" : "20240315"));
            ds.AddOrUpdate(Fixtures.Element(AcqDateTime, DicomVR.DT, "20240301083015.25-0500"));
            ds.AddOrUpdate(Fixtures.Element(StudyTime, DicomVR.TM, "081500"));
            if (reference is not null)
            {
                var item = new DicomDataset(Fixtures.Element(RefSopClass, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.2"), Fixtures.Element(RefSopUid, DicomVR.UI, reference));
                ds.AddOrUpdate(new DicomSequence(RefImageSeq, item));
            }

            return ds;
        }

        return (Make(sopA, null), Make(sopB, sopA), study, sopA);
    }

    [Fact]
    public void Uids_map_consistently_across_files_and_keep_references()
    {
        var f = new Fixtures();
        var (a, b, study, sopA) = TwoFilesOfOneStudy(f);
        var d = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret));
        var (ra, _) = d.Deidentify(a);
        var (rb, reportB) = d.Deidentify(b);

        Assert.Equal(ra.GetString(StudyUid), rb.GetString(StudyUid));
        Assert.Equal(ra.GetString(SeriesUid), rb.GetString(SeriesUid));
        Assert.Equal(ra.GetString(ForUid), rb.GetString(ForUid));
        Assert.NotEqual(ra.GetString(SopUid), rb.GetString(SopUid));
        Assert.NotEqual(study, ra.GetString(StudyUid));
        var reference = rb.GetSequence(RefImageSeq)!.Items[0];
        Assert.Equal(ra.GetString(SopUid), reference.GetString(RefSopUid));
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", reference.GetString(RefSopClass));
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", rb.GetString(SopClass));
        Assert.Contains(reportB.Entries, e => e.Path == "(0008,1140)[0]/(0008,1155)" && e.Outcome == AttributeOutcome.UidRemapped);

        foreach (var uid in new[] { ra.GetString(StudyUid), ra.GetString(SopUid), reference.GetString(RefSopUid) })
        {
            Assert.Matches(new Regex(@"^2\.25\.(0|[1-9][0-9]*)$"), uid);
            Assert.True(uid.Length <= 64);
        }

        Assert.Empty(f.Survivors(Fixtures.AllValueBytes(ra)));
        Assert.Empty(f.Survivors(Fixtures.AllValueBytes(rb)));
        Assert.Equal(d.MapUid(sopA), ra.GetString(SopUid));
    }

    [Fact]
    public void Different_secrets_give_different_uids_and_retain_uids_keeps_them()
    {
        var f = new Fixtures();
        var (a, _, study, _) = TwoFilesOfOneStudy(f);
        var (r1, _) = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret)).Deidentify(a);
        var (r2, _) = new DicomDeidentifier(new DeidentificationOptions(Encoding.ASCII.GetBytes("another-hospital-secret-000000"))).Deidentify(a);
        Assert.NotEqual(r1.GetString(StudyUid), r2.GetString(StudyUid));
        Assert.NotEqual(r1.GetString(SopUid), r2.GetString(SopUid));

        var (kept, _) = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret) { Options = ConfidentialityOptions.RetainUids }).Deidentify(a);
        Assert.Equal(study, kept.GetString(StudyUid));
    }

    [Fact]
    public void Uid_mapper_is_deterministic_and_well_formed()
    {
        var m = new UidMapper(EveryAttributeTests.Secret);
        Assert.Equal(m.Map("1.2.3.4"), m.Map("1.2.3.4 "));
        Assert.Equal(m.Map("1.2.3.4"), new UidMapper(EveryAttributeTests.Secret).Map("1.2.3.4"));
        Assert.NotEqual(m.Map("1.2.3.4"), m.Map("1.2.3.5"));
        Assert.Equal(string.Empty, m.Map(""));
        var distinct = Enumerable.Range(0, 2000).Select(i => m.Map("1.2.840.99." + i.ToString(CultureInfo.InvariantCulture))).ToHashSet();
        Assert.Equal(2000, distinct.Count);
        Assert.All(distinct, u => Assert.Matches(new Regex(@"^2\.25\.[1-9][0-9]{0,38}$"), u));
    }

    [Fact]
    public void Unlisted_instance_uids_are_replaced_but_well_known_uids_are_not()
    {
        var ds = new DicomDataset(
            Fixtures.Element(new DicomTag(0x0008, 0x9460), DicomVR.UI, "1.2.826.0.1.3680043.99.555.1"), // an instance UID in an attribute not in the table
            Fixtures.Element(new DicomTag(0x0040, 0xA170), DicomVR.UI, "1.2.840.10008.1.2"), // a DICOM UID
            Fixtures.Element(SopClass, DicomVR.UI, "1.2.840.113619.4.2")); // a private SOP class: class attributes never change
        var (r, _) = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret)).Deidentify(ds);
        Assert.StartsWith("2.25.", r.GetString(new DicomTag(0x0008, 0x9460)), StringComparison.Ordinal);
        Assert.Equal("1.2.840.10008.1.2", r.GetString(new DicomTag(0x0040, 0xA170)));
        Assert.Equal("1.2.840.113619.4.2", r.GetString(SopClass));
    }

    [Fact]
    public void Modified_dates_shift_every_file_of_a_patient_by_the_same_days()
    {
        var f = new Fixtures();
        var (a, b, _, _) = TwoFilesOfOneStudy(f);
        var opts = new DeidentificationOptions(EveryAttributeTests.Secret) { Options = ConfidentialityOptions.RetainLongitudinalModifiedDates };
        var d = new DicomDeidentifier(opts);
        var (ra, _) = d.Deidentify(a);
        var (rb, report) = d.Deidentify(b);

        DateTime Date(DicomDataset ds, DicomTag t) => DateTime.ParseExact(ds.GetString(t), "yyyyMMdd", CultureInfo.InvariantCulture);
        int shift = (int)(Date(ra, StudyDate) - new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Unspecified)).TotalDays;
        Assert.InRange(shift, -opts.MaximumDateShiftDays, -1);
        Assert.Equal(14, (Date(rb, SeriesDate) - Date(ra, SeriesDate)).TotalDays);
        Assert.Equal(Date(ra, StudyDate), Date(rb, StudyDate));
        Assert.Equal(new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Unspecified).AddDays(shift).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "083015.25-0500", ra.GetString(AcqDateTime));
        Assert.Equal("081500", ra.GetString(StudyTime));
        Assert.Equal("MODIFIED", ra.GetString(new DicomTag(0x0028, 0x0303)));
        Assert.Contains(report.Entries, e => e.Path == "(0008,0020)" && e.Outcome == AttributeOutcome.DateShifted);

        // Another patient (almost surely) moves by another amount; the same patient under another secret too.
        var (other, _, _, _) = TwoFilesOfOneStudy(new Fixtures(), "OTHER-PATIENT-42");
        var shifts = new HashSet<string> { ra.GetString(StudyDate), d.Deidentify(other).Result.GetString(StudyDate) };
        Assert.Equal(2, shifts.Count);
    }

    [Theory]
    [InlineData("20240301", 10, "20240311")]
    [InlineData("20240301", -1, "20240229")]
    [InlineData("20240101-20240131", -1, "20231231-20240130")]
    [InlineData("20240101\\20240102", 1, "20240102\\20240103")]
    [InlineData("2024.01.01", 1, "20240102")]
    [InlineData("garbage", 1, null)]
    public void Date_shifting(string value, int days, string? expected) => Assert.Equal(expected, DateShifter.ShiftDates(value, days));

    [Theory]
    [InlineData("20240301120000.5+0100", -1, "20240229120000.5+0100")]
    [InlineData("2024", -1, "2023")]
    [InlineData("202403", -1, "202402")]
    [InlineData("20240301", 1, "20240302")]
    [InlineData("2024130", 1, null)]
    public void Date_time_shifting(string value, int days, string? expected) => Assert.Equal(expected, DateShifter.ShiftDateTimes(value, days));

    [Fact]
    public void Full_dates_are_kept_and_basic_profile_removes_them()
    {
        var f = new Fixtures();
        var (a, _, _, _) = TwoFilesOfOneStudy(f);
        var (full, _) = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret) { Options = ConfidentialityOptions.RetainLongitudinalFullDates }).Deidentify(a);
        Assert.Equal("20240229", full.GetString(StudyDate));
        Assert.Equal("UNMODIFIED", full.GetString(new DicomTag(0x0028, 0x0303)));
        var (basic, _) = new DicomDeidentifier(new DeidentificationOptions(EveryAttributeTests.Secret)).Deidentify(a);
        Assert.Equal(0, ((DicomElement)basic.GetItem(StudyDate)!).Length);
        Assert.Equal("REMOVED", basic.GetString(new DicomTag(0x0028, 0x0303)));
        string all = Encoding.ASCII.GetString(Fixtures.AllValueBytes(basic));
        Assert.DoesNotContain("20240229", all, StringComparison.Ordinal);
        Assert.DoesNotContain("20240301", all, StringComparison.Ordinal);
    }
}
