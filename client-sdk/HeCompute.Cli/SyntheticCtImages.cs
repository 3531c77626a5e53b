using System.Buffers.Binary;
using System.Globalization;
using HeCompute.Dicom;

namespace HeCompute.Cli;

/// <summary>
/// Small CT-like DICOM images the project makes itself (no data to download): a 64×64 slice of soft tissue (about
/// 40 HU with noise) inside air (−1000 HU), with or without a bright round lesion (about 200 HU). Fake patient
/// names, IDs and dates are filled in so de-identification has something to remove.
/// </summary>
internal static class SyntheticCtImages
{
    public const int Size = 64;
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    /// <summary>Writes <paramref name="count"/> images into <paramref name="directory"/>, alternating lesion / no lesion.</summary>
    public static IReadOnlyList<(string Path, bool Lesion)> Write(string directory, int count, int seed)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var study = NewUid(random);
        var files = new List<(string, bool)>(count);
        for (var i = 0; i < count; i++)
        {
            var lesion = i % 2 == 0;
            var path = Path.Combine(directory, $"ct-{i:D3}.dcm");
            Create(random, i, lesion, study).Save(path);
            files.Add((path, lesion));
        }

        return files;
    }

    private static DicomFile Create(Random random, int index, bool lesion, string study)
    {
        var dataset = new DicomDataset();
        dataset.AddOrUpdate(DicomTag.SOPClassUID, CtImageStorage);
        dataset.AddOrUpdate(DicomTag.SOPInstanceUID, NewUid(random));
        dataset.AddOrUpdate(DicomTag.StudyInstanceUID, study);
        dataset.AddOrUpdate(DicomTag.SeriesInstanceUID, study + "." + (index + 1).ToString(CultureInfo.InvariantCulture));
        dataset.AddOrUpdate(DicomTag.Modality, "CT");
        dataset.AddOrUpdate(DicomTag.PatientName, $"Demo^Patient{index:D3}");
        dataset.AddOrUpdate(DicomTag.PatientID, $"DEMO-{index:D6}");
        dataset.AddOrUpdate(DicomTag.StudyDate, "20240115");
        dataset.AddOrUpdate(DicomTag.BurnedInAnnotation, "NO");
        dataset.AddOrUpdate(DicomTag.Rows, (ushort)Size);
        dataset.AddOrUpdate(DicomTag.Columns, (ushort)Size);
        dataset.AddOrUpdate(DicomTag.SamplesPerPixel, (ushort)1);
        dataset.AddOrUpdate(DicomTag.PhotometricInterpretation, "MONOCHROME2");
        dataset.AddOrUpdate(DicomTag.BitsAllocated, (ushort)16);
        dataset.AddOrUpdate(DicomTag.BitsStored, (ushort)16);
        dataset.AddOrUpdate(DicomTag.HighBit, (ushort)15);
        dataset.AddOrUpdate(DicomTag.PixelRepresentation, (ushort)1);
        dataset.AddOrUpdate(DicomTag.RescaleIntercept, "-1024");
        dataset.AddOrUpdate(DicomTag.RescaleSlope, "1");
        dataset.AddOrUpdate(DicomTag.PixelSpacing, "0.7", "0.7");
        dataset.AddOrUpdate(new DicomElement(DicomTag.PixelData, DicomVR.OW, Pixels(random, lesion)));
        return new DicomFile(dataset);
    }

    private static byte[] Pixels(Random random, bool lesion)
    {
        var bytes = new byte[Size * Size * 2];
        var (lx, ly, lr) = (20 + random.Next(24), 20 + random.Next(24), 5 + random.Next(5));
        var lesionHu = 170 + random.Next(60);
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var dx = (x - 31.5) / 28;
                var dy = (y - 31.5) / 24;
                double hu = (dx * dx) + (dy * dy) <= 1 ? 40 + (12 * Gaussian(random)) : -1000 + (5 * Gaussian(random));
                if (lesion && ((x - lx) * (x - lx)) + ((y - ly) * (y - ly)) <= lr * lr)
                {
                    hu = lesionHu + (15 * Gaussian(random));
                }

                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(((y * Size) + x) * 2), (short)Math.Round(hu + 1024));
            }
        }

        return bytes;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string NewUid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return "2.25." + new System.Numerics.BigInteger(bytes, isUnsigned: true).ToString(CultureInfo.InvariantCulture);
    }
}
