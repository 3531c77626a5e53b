using System.Buffers.Binary;
using HeCompute.Dicom.Tests.Model;

namespace HeCompute.Dicom.Tests.IO;

/// <summary>The writer on datasets built through the API: every VR, sequences, encapsulated pixel data with offset tables.</summary>
public class WriterTests
{
    private static readonly DicomTag Creator = new(0x0099, 0x0010);

    private static DicomTag Private(int n) => new(0x0099, (ushort)(0x1000 + n));

    /// <summary>One private element per VR (explicit VR keeps the VR) plus standard elements, a nested sequence and odd lengths.</summary>
    internal static DicomDataset EveryVR()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTag.SpecificCharacterSet, "ISO_IR 192");
        ds.AddOrUpdate(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7");
        ds.AddOrUpdate(DicomTag.SOPInstanceUID, "2.25.1234567");
        ds.AddOrUpdate(DicomTag.PatientName, "Müller^Jürgen=王^小東");
        ds.AddOrUpdate(DicomVR.LO, Creator, "HECOMPUTE TEST");
        int n = 0;
        ds.AddOrUpdate(DicomVR.AE, Private(++n), "STORESCP");
        ds.AddOrUpdate(DicomVR.AS, Private(++n), "042Y");
        ds.AddOrUpdate(DicomVR.AT, Private(++n), DicomTag.PatientID, DicomTag.PixelData);
        ds.AddOrUpdate(DicomVR.CS, Private(++n), "ORIGINAL", "PRIMARY");
        ds.AddOrUpdate(DicomVR.DA, Private(++n), new DateTime(2024, 2, 29));
        ds.AddOrUpdate(DicomVR.DS, Private(++n), 1.5, -0.000123456789012345, 1e300);
        ds.AddOrUpdate(DicomVR.DT, Private(++n), new DateTime(2024, 2, 29, 13, 14, 15, 123));
        ds.AddOrUpdate(DicomVR.FL, Private(++n), 1.25f, float.MaxValue);
        ds.AddOrUpdate(DicomVR.FD, Private(++n), Math.PI, double.Epsilon);
        ds.AddOrUpdate(DicomVR.IS, Private(++n), -2147483648, 42);
        ds.AddOrUpdate(DicomVR.LO, Private(++n), "long string", "ünïcode");
        ds.AddOrUpdate(DicomVR.LT, Private(++n), "Long text\\ with a backslash, kept");
        ds.AddOrUpdate(new DicomElement(Private(++n), DicomVR.OB, new byte[] { 1, 2, 3 }));
        ds.AddOrUpdate(DicomVR.OD, Private(++n), 1.0, -2.0);
        ds.AddOrUpdate(DicomVR.OF, Private(++n), 0.5f, 0.25f);
        ds.AddOrUpdate(DicomVR.OL, Private(++n), 0xDEADBEEFu, 7u);
        ds.AddOrUpdate(DicomVR.OV, Private(++n), ulong.MaxValue, 1UL);
        ds.AddOrUpdate(DicomVR.OW, Private(++n), (ushort)0x1234, (ushort)0xFFFF);
        ds.AddOrUpdate(DicomVR.PN, Private(++n), "Doe^John");
        ds.AddOrUpdate(DicomVR.SH, Private(++n), "short");
        ds.AddOrUpdate(DicomVR.SL, Private(++n), int.MinValue, -1);
        ds.AddOrUpdate(DicomVR.SS, Private(++n), short.MinValue, (short)-2);
        ds.AddOrUpdate(DicomVR.ST, Private(++n), "short text");
        ds.AddOrUpdate(DicomVR.SV, Private(++n), long.MinValue, -3L);
        ds.AddOrUpdate(DicomVR.TM, Private(++n), "235959.999999");
        ds.AddOrUpdate(DicomVR.UC, Private(++n), "unlimited", "characters");
        ds.AddOrUpdate(DicomVR.UI, Private(++n), "1.2.3");
        ds.AddOrUpdate(DicomVR.UL, Private(++n), uint.MaxValue);
        ds.AddOrUpdate(new DicomElement(Private(++n), DicomVR.UN, new byte[] { 9, 8, 7, 6, 5 }));
        ds.AddOrUpdate(DicomVR.UR, Private(++n), "https://example.org/a b");
        ds.AddOrUpdate(DicomVR.US, Private(++n), ushort.MaxValue, (ushort)0);
        ds.AddOrUpdate(DicomVR.UT, Private(++n), "unlimited text");
        ds.AddOrUpdate(DicomVR.UV, Private(++n), ulong.MaxValue);

        var inner = new DicomDataset();
        inner.AddOrUpdate(DicomTag.CodeValue, "113100");
        inner.AddOrUpdate(DicomTag.CodingSchemeDesignator, "DCM");
        inner.AddOrUpdate(DicomTag.CodeMeaning, "Basic Application Confidentiality Profile");
        var nested = new DicomDataset();
        nested.AddOrUpdate(new DicomSequence(DicomTag.PurposeOfReferenceCodeSequence, inner.Clone()));
        ds.AddOrUpdate(new DicomSequence(DicomTag.DeidentificationMethodCodeSequence, inner, nested, new DicomDataset()));
        ds.AddOrUpdate(new DicomSequence(DicomTag.ReferencedImageSequence));
        return ds;
    }

    [Fact]
    public void EveryVRRoundTripsAndPydicomAndDcmtkReadIt()
    {
        var ds = EveryVR();
        string dir = ExternalTools.TempDirectory("everyvr");
        string path = Path.Combine(dir, "every-vr.dcm");
        new DicomFile(ds).Save(path);

        var read = DicomFile.Open(path);
        Assert.Empty(DatasetComparer.Differences(ds, read.Dataset, normalizePadding: true));
        Assert.Equal("Müller^Jürgen=王^小東", read.Dataset.GetString(DicomTag.PatientName));
        Assert.Equal([ulong.MaxValue, 1UL], read.Dataset.GetValues<ulong>(Private(17)));
        Assert.Equal([long.MinValue, -3L], read.Dataset.GetValues<long>(Private(24)));
        Assert.Equal(ulong.MaxValue, read.Dataset.GetSingleValue<ulong>(Private(33)));
        Assert.Equal([DicomTag.PatientID, DicomTag.PixelData], read.Dataset.GetValues<DicomTag>(Private(3)));
        var ds6 = read.Dataset.GetValues<double>(Private(6));
        Assert.Equal(1.5, ds6[0]);
        Assert.Equal(-0.000123456789012345, ds6[1], 1e-14); // DS holds 16 characters: "-1.2345678901E-4"
        Assert.Equal(1e300, ds6[2]);
        Assert.All(read.Dataset.GetValues<string>(Private(6)), v => Assert.True(v.Length <= 16, v));
        Assert.Equal("https://example.org/a b", read.Dataset.GetString(Private(30)));
        Assert.Equal("1.2.840.10008.5.1.4.1.1.7", read.FileMetaInfo.GetString(DicomTag.MediaStorageSOPClassUID));

        var oracle = PydicomOracle.Dump([path])[path];
        Assert.False(PydicomOracle.IsBroken(oracle, out string why), why);
        var differences = PydicomOracle.Compare(oracle.GetProperty("dataset"), read.Dataset, "dataset");
        Assert.True(differences.Count == 0, PydicomOracle.Report(differences));

        var dump = ExternalTools.Run(ExternalTools.Dcmtk("dcmdump"), ["-dc", path]);
        Assert.Equal(0, dump.ExitCode);
        Assert.DoesNotContain("E:", dump.StandardError, StringComparison.Ordinal);
        Assert.Contains("(0099,1011) OV", dump.StandardOutput, StringComparison.Ordinal);

        // dcmtk re-encodes it as big endian and implicit VR: we read the same dataset back.
        foreach (string option in new[] { "+tb", "+ti" })
        {
            string other = Path.Combine(dir, $"every-vr{option}.dcm");
            ExternalTools.RunChecked(ExternalTools.Dcmtk("dcmconv"), [option, path, other]);
            var reread = DicomFile.Open(other);
            var diff = DatasetComparer.Differences(read.Dataset, reread.Dataset, option);
            Assert.True(diff.Count == 0, PydicomOracle.Report(diff));
        }
    }

    [Fact]
    public void EncapsulatedPixelDataKeepsItsSyntaxOffsetTablesAndPadsOddFragments()
    {
        var ds = new DicomDataset { InternalTransferSyntax = DicomTransferSyntax.RLELossless };
        ds.AddOrUpdate(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7");
        ds.AddOrUpdate(DicomTag.SOPInstanceUID, "2.25.42");
        byte[][] frames = [[1, 2, 3, 4], [5, 6, 7], [8, 9, 10, 11, 12, 13]];
        var fragments = new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, [], frames.Select(f => new DicomFragment(f)));
        ds.AddOrUpdate(fragments);
        var offsets = fragments.Fragments.Select(f => (ulong)f.ItemOffset).ToArray();
        ds.AddOrUpdate(DicomVR.OV, DicomTag.ExtendedOffsetTable, offsets);
        ds.AddOrUpdate(DicomVR.OV, DicomTag.ExtendedOffsetTableLengths, frames.Select(f => (ulong)f.Length).ToArray());

        using var stream = new MemoryStream();
        new DicomFile(ds).Save(stream);
        stream.Position = 0;
        var read = DicomFile.Open(stream);
        Assert.Equal(DicomTransferSyntax.RLELossless, read.TransferSyntax);
        var readFragments = Assert.IsType<DicomFragmentSequence>(read.Dataset.GetItem(DicomTag.PixelData));
        Assert.Empty(readFragments.BasicOffsetTable);
        Assert.Equal(3, readFragments.Fragments.Count);
        Assert.Equal(new byte[] { 5, 6, 7, 0 }, readFragments.Fragments[1].Data.ToArray()); // padded to even length
        Assert.Equal([0UL, 12UL, 24UL], readFragments.ExtendedOffsetTable);
        Assert.Equal([4UL, 3UL, 6UL], readFragments.ExtendedOffsetTableLengths);
        Assert.Equal(readFragments.ExtendedOffsetTable!.Select(o => (long)o), readFragments.Fragments.Select(f => f.ItemOffset));
    }

    [Fact]
    public void EncapsulatedPixelDataWithANativeSyntaxCannotBeWritten()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, [], [new DicomFragment(new byte[] { 1, 2 })]));
        Assert.Throws<InvalidOperationException>(() => new DicomFile(ds).Save(new MemoryStream()));
    }

    [Fact]
    public void ShortVRValuesLongerThan64KiBAreWrittenAsUN()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(new DicomElement(DicomTag.PatientComments, DicomVR.LO, new byte[70000].Select(_ => (byte)'x').ToArray()));
        using var stream = new MemoryStream();
        new DicomFile(ds).Save(stream);
        stream.Position = 0;
        var read = DicomFile.Open(stream);
        var element = read.Dataset.GetElement(DicomTag.PatientComments)!;
        Assert.Equal(DicomVR.UN, element.VR);
        Assert.Equal(70000, element.Length);
    }

    [Fact]
    public void GroupLengthsInTheDatasetAreRecomputed()
    {
        var ds = new DicomDataset();
        ds.AddOrUpdate(new DicomElement(new DicomTag(0x0010, 0x0000), DicomVR.UL, new byte[] { 1, 0, 0, 0 }));
        ds.AddOrUpdate(DicomTag.PatientName, "Doe^Jane");   // 8 + 8
        ds.AddOrUpdate(DicomTag.PatientID, "ABC");          // 8 + 4 (padded)
        using var stream = new MemoryStream();
        new DicomFile(ds).Save(stream);
        stream.Position = 0;
        var read = DicomFile.Open(stream);
        Assert.Equal(28u, read.Dataset.GetSingleValue<uint>(new DicomTag(0x0010, 0x0000)));
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(read.FileMetaInfo.GetElement(DicomTag.FileMetaInformationGroupLength)!.RawValue.Span),
            read.FileMetaInfo.GetSingleValue<uint>(DicomTag.FileMetaInformationGroupLength));
    }
}
