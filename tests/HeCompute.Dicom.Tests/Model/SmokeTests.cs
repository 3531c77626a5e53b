namespace HeCompute.Dicom.Tests.Model;

public class SmokeTests
{
    [Fact]
    public void ReadsCtSmall()
    {
        var file = DicomFile.Open(Path.Combine(ExternalTools.PydicomTestFiles, "CT_small.dcm"));
        Assert.Equal(DicomTransferSyntax.ExplicitVRLittleEndian, file.TransferSyntax);
        Assert.Equal((ushort)128, file.Dataset.GetSingleValue<ushort>(DicomTag.Rows));
        Assert.Equal("CompressedSamples^CT1", file.Dataset.GetString(DicomTag.PatientName));
        var pixel = Assert.IsType<DicomElement>(file.Dataset.GetItem(DicomTag.PixelData));
        Assert.True(pixel.IsDeferred);
        Assert.Equal(128 * 128 * 2, pixel.Length);
        Assert.Equal(128 * 128 * 2, pixel.RawValue.Length);
    }
}
