using HeCompute.Client.Prediction;
using HeCompute.Dicom;
using HeCompute.Dicom.Deidentification;
using HeCompute.Features;

namespace HeCompute.Client.Tests.Prediction;

/// <summary>The SDK pipeline with the Clean Pixel Data Option: an ultrasound image whose header band carries bright
/// "text" is refused without it, and with it its features are those of the image with the band blanked.</summary>
public sealed class DicomFeatureReaderCleaningTests : IDisposable
{
    private const int Size = 20;
    private readonly string _directory = Directory.CreateTempSubdirectory("hecompute-clean-").FullName;

    [Fact]
    public async Task The_header_band_is_blanked_before_features_are_extracted()
    {
        string path = Path.Combine(_directory, "us.dcm");
        Ultrasound().Save(path);
        var names = new[] { "first_order.maximum", "first_order.minimum", "first_order.mean" };

        var refusing = new DicomFeatureReader(new DeidentificationOptions(new byte[32]), new RadiomicsOptions());
        await Assert.ThrowsAsync<BurnedInAnnotationException>(() => refusing.ReadAsync(path));

        var cleaning = new DicomFeatureReader(
            new DeidentificationOptions(new byte[32]) { CleanPixelData = new CleanPixelDataOptions { ModalityDefaults = true } },
            new RadiomicsOptions());
        var features = await cleaning.ReadAsync(path);
        Assert.True(features.Report.PixelsCleaned);
        Assert.Equal([new CleanRectangle(0, 0, Size, 2)], features.Report.CleanedRectangles);
        var record = (await cleaning.ReadRecordsAsync([path], cleaning.SelectFeatures(names, null)))[0];

        // Rows 0-1 (the top 10% of 20) are 0, the rest of the image is 100 + x: the 250 "text" is gone.
        double expectedMean = Enumerable.Range(2, Size - 2).SelectMany(_ => Enumerable.Range(0, Size).Select(x => 100.0 + x)).Sum() / (Size * Size);
        Assert.Equal(100 + Size - 1, record[0]);
        Assert.Equal(0, record[1]);
        Assert.Equal(expectedMean, record[2], 9);
    }

    private static DicomFile Ultrasound()
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.6.1");
        dataset.AddOrUpdate(DicomTag.SOPInstanceUID, "2.25.1234567");
        dataset.AddOrUpdate(DicomTag.Modality, "US");
        dataset.AddOrUpdate(DicomTag.PatientName, "Band^Text");
        dataset.AddOrUpdate(DicomTag.Rows, (ushort)Size);
        dataset.AddOrUpdate(DicomTag.Columns, (ushort)Size);
        dataset.AddOrUpdate(DicomTag.SamplesPerPixel, (ushort)1);
        dataset.AddOrUpdate(DicomTag.PhotometricInterpretation, "MONOCHROME2");
        dataset.AddOrUpdate(DicomTag.BitsAllocated, (ushort)8);
        dataset.AddOrUpdate(DicomTag.BitsStored, (ushort)8);
        dataset.AddOrUpdate(DicomTag.HighBit, (ushort)7);
        dataset.AddOrUpdate(DicomTag.PixelRepresentation, (ushort)0);
        var pixels = new byte[Size * Size];
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                pixels[(y * Size) + x] = (byte)(y < 2 ? 250 : 100 + x);
            }
        }

        dataset.AddOrUpdate(new DicomElement(DicomTag.PixelData, DicomVR.OB, pixels));
        return new DicomFile(dataset);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
