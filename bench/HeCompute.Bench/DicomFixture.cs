using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using HeCompute.Dicom;
using HeCompute.Dicom.Imaging;

namespace HeCompute.Bench;

/// <summary>
/// The DICOM files the DICOM benchmarks read, written once into a temporary directory with our own
/// <see cref="DicomFile.Save(string)"/>: a 512×512 16-bit signed CT slice (Explicit VR LE), its RLE Lossless and JPEG
/// Lossless SV1 copies made with dcmtk (<c>dcmcrle</c>, <c>dcmcjpeg +e1</c>), its JPEG 2000 Lossless copy made with
/// gdcm (<c>gdcmconv --j2k</c>) and HTJ2K Lossless copy made with OpenJPH (<c>ojph_compress</c>), and a 100-frame
/// 256×256 16-bit file.
/// </summary>
public sealed class DicomFixture : IDisposable
{
    /// <summary>CT rows and columns.</summary>
    public const int CtSize = 512;

    /// <summary>Multi-frame rows and columns.</summary>
    public const int FrameSize = 256;

    /// <summary>Frames of the multi-frame file.</summary>
    public const int FrameCount = 100;

    /// <summary>CT Rescale Intercept (slope 1).</summary>
    public const int Intercept = -1024;

    private const int NoiseSeed = 20261124;

    /// <summary>Writes the files and checks that every copy decodes to the same Hounsfield units.</summary>
    public DicomFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "hecompute-dicom-bench-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        try
        {
            CtPath = Path.Combine(Directory, "ct.dcm");
            new DicomFile(CtDataset()).Save(CtPath);
            CtRlePath = Path.Combine(Directory, "ct-rle.dcm");
            RunDcmtk("dcmcrle", CtPath, CtRlePath);
            CtJpegLosslessPath = Path.Combine(Directory, "ct-jpeg-lossless.dcm");
            RunDcmtk("dcmcjpeg", "+e1", CtPath, CtJpegLosslessPath);
            CtJpeg2000Path = Path.Combine(Directory, "ct-j2k.dcm");
            RunTool("gdcmconv", "libgdcm-tools", "--j2k", CtPath, CtJpeg2000Path);
            CtHtj2kPath = Path.Combine(Directory, "ct-htj2k.dcm");
            WriteHtj2k(CtPath, CtHtj2kPath);
            MultiFramePath = Path.Combine(Directory, "multiframe.dcm");
            new DicomFile(MultiFrameDataset()).Save(MultiFramePath);
            Check();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The temporary directory holding the files.</summary>
    public string Directory { get; }

    /// <summary>The CT slice, Explicit VR Little Endian.</summary>
    public string CtPath { get; } = string.Empty;

    /// <summary>The CT slice, RLE Lossless (dcmcrle).</summary>
    public string CtRlePath { get; } = string.Empty;

    /// <summary>The CT slice, JPEG Lossless Process 14 SV1 (dcmcjpeg +e1).</summary>
    public string CtJpegLosslessPath { get; } = string.Empty;

    /// <summary>The CT slice, JPEG 2000 Lossless (gdcmconv --j2k).</summary>
    public string CtJpeg2000Path { get; } = string.Empty;

    /// <summary>The CT slice, HTJ2K Lossless: OpenJPH's ojph_compress codestream wrapped by our writer.</summary>
    public string CtHtj2kPath { get; } = string.Empty;

    /// <summary>The 100-frame file, Explicit VR Little Endian.</summary>
    public string MultiFramePath { get; } = string.Empty;

    /// <summary>Deletes the temporary directory.</summary>
    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>
    /// Synthetic CT phantom in HU: air (−1000) outside a body disc of radius 200 px, soft tissue (40) inside, a bone
    /// ring (700) between radii 150 and 170, a fat disc (−100) of radius 40 off centre, plus Gaussian noise σ = 15.
    /// </summary>
    public static short[] CtPhantomHu()
    {
        var random = new Random(NoiseSeed);
        var hu = new short[CtSize * CtSize];
        const double centre = (CtSize - 1) / 2.0;
        for (int y = 0; y < CtSize; y++)
        {
            for (int x = 0; x < CtSize; x++)
            {
                double dx = x - centre;
                double dy = y - centre;
                double r = Math.Sqrt((dx * dx) + (dy * dy));
                double fx = x - (centre + 70);
                double fy = y - (centre - 40);
                double value = r > 200 ? -1000
                    : r is >= 150 and <= 170 ? 700
                    : (fx * fx) + (fy * fy) <= 40 * 40 ? -100
                    : 40;
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                double noise = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2) * 15.0;
                hu[(y * CtSize) + x] = (short)Math.Clamp(Math.Round(value + noise), -1024, 3071);
            }
        }

        return hu;
    }

    private static DicomDataset CtDataset()
    {
        short[] hu = CtPhantomHu();
        var pixels = new byte[hu.Length * 2];
        for (int i = 0; i < hu.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(pixels.AsSpan(i * 2), (short)(hu[i] - Intercept));
        }

        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.2");
        ds.AddOrUpdate(DicomTag.SOPInstanceUID, "2.25.202611240001");
        ds.AddOrUpdate(DicomTag.StudyInstanceUID, "2.25.202611240002");
        ds.AddOrUpdate(DicomTag.SeriesInstanceUID, "2.25.202611240003");
        ds.AddOrUpdate(DicomTag.Modality, "CT");
        ds.AddOrUpdate(DicomTag.PatientName, "Bench^Phantom");
        ds.AddOrUpdate(DicomTag.PatientID, "BENCH-1");
        ds.AddOrUpdate(DicomTag.PixelSpacing, "0.7", "0.7");
        ds.AddOrUpdate(DicomTag.SamplesPerPixel, (ushort)1);
        ds.AddOrUpdate(DicomTag.PhotometricInterpretation, "MONOCHROME2");
        ds.AddOrUpdate(DicomTag.Rows, (ushort)CtSize);
        ds.AddOrUpdate(DicomTag.Columns, (ushort)CtSize);
        ds.AddOrUpdate(DicomTag.BitsAllocated, (ushort)16);
        ds.AddOrUpdate(DicomTag.BitsStored, (ushort)16);
        ds.AddOrUpdate(DicomTag.HighBit, (ushort)15);
        ds.AddOrUpdate(DicomTag.PixelRepresentation, (ushort)1);
        ds.AddOrUpdate(DicomTag.RescaleIntercept, Intercept.ToString(CultureInfo.InvariantCulture));
        ds.AddOrUpdate(DicomTag.RescaleSlope, "1");
        ds.AddOrUpdate(new DicomElement(DicomTag.PixelData, DicomVR.OW, pixels));
        return ds;
    }

    private static DicomDataset MultiFrameDataset()
    {
        const long frameBytes = FrameSize * FrameSize * 2L;
        var ds = new DicomDataset();
        ds.AddOrUpdate(DicomTag.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7.3");
        ds.AddOrUpdate(DicomTag.SOPInstanceUID, "2.25.202611240004");
        ds.AddOrUpdate(DicomTag.Modality, "OT");
        ds.AddOrUpdate(DicomTag.SamplesPerPixel, (ushort)1);
        ds.AddOrUpdate(DicomTag.PhotometricInterpretation, "MONOCHROME2");
        ds.AddOrUpdate(DicomTag.NumberOfFrames, FrameCount);
        ds.AddOrUpdate(DicomTag.Rows, (ushort)FrameSize);
        ds.AddOrUpdate(DicomTag.Columns, (ushort)FrameSize);
        ds.AddOrUpdate(DicomTag.BitsAllocated, (ushort)16);
        ds.AddOrUpdate(DicomTag.BitsStored, (ushort)16);
        ds.AddOrUpdate(DicomTag.HighBit, (ushort)15);
        ds.AddOrUpdate(DicomTag.PixelRepresentation, (ushort)0);
        ds.AddOrUpdate(DicomElement.CreateDeferred(DicomTag.PixelData, DicomVR.OW, FrameCount * frameBytes, static (offset, destination) =>
        {
            for (int i = 0; i < destination.Length; i += 2)
            {
                long sample = (offset + i) / 2;
                BinaryPrimitives.WriteUInt16LittleEndian(destination[i..], (ushort)((sample * 31) + (sample >> 9)));
            }
        }));
        return ds;
    }

    private void Check()
    {
        short[] hu = CtPhantomHu();
        foreach (string path in new[] { CtPath, CtRlePath, CtJpegLosslessPath, CtJpeg2000Path, CtHtj2kPath })
        {
            var values = DicomPixelData.Create(DicomFile.Open(path).Dataset).GetFrameValues(0, PixelOutput.ModalityValues);
            for (int i = 0; i < hu.Length; i++)
            {
                if (values[i] != hu[i])
                {
                    throw new InvalidOperationException($"{Path.GetFileName(path)}: pixel {i} decodes to {values[i]} HU, {hu[i]} expected.");
                }
            }
        }

        var multi = DicomPixelData.Create(DicomFile.Open(MultiFramePath).Dataset);
        if (multi.FrameCount != FrameCount || multi.Rows != FrameSize)
        {
            throw new InvalidOperationException($"multiframe.dcm: {multi.FrameCount} frames of {multi.Rows} rows.");
        }
    }

    // ojph_compress reads the raw samples (16-bit little endian, signed) and writes a reversible HTJ2K codestream.
    private void WriteHtj2k(string source, string target)
    {
        var file = DicomFile.Open(source);
        string raw = Path.Combine(Directory, "ct.yuv");
        string codestream = Path.Combine(Directory, "ct.j2c");
        var pixels = DicomPixelData.Create(file.Dataset);
        File.WriteAllBytes(raw, pixels.GetFrameBytes(0));
        RunTool("ojph_compress", "openjph-tools", "-i", raw, "-o", codestream, "-dims", $"{{{CtSize},{CtSize}}}", "-num_comps", "1",
            "-signed", "true", "-bit_depth", "16", "-downsamp", "{1,1}", "-reversible", "true");
        byte[] bytes = File.ReadAllBytes(codestream);
        byte[] even = bytes.Length % 2 == 0 ? bytes : [.. bytes, 0];
        var dataset = file.Dataset;
        dataset.AddOrUpdate(new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, [], [new DicomFragment(even)]));
        dataset.InternalTransferSyntax = DicomTransferSyntax.HTJ2KLossless;
        new DicomFile(dataset).Save(target);
    }

    private static void RunDcmtk(string tool, params string[] arguments) => RunTool(tool, "dcmtk", arguments);

    private static void RunTool(string tool, string package, params string[] arguments)
    {
        string? executable = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator)
            .Where(dir => dir.Length > 0)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
        if (executable is null)
        {
            throw new InvalidOperationException($"{tool} is not on PATH: the compressed CT variants need it (apt-get install {package}).");
        }

        var info = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start.");
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
        }
    }
}
