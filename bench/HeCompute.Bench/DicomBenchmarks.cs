using BenchmarkDotNet.Attributes;
using HeCompute.Dicom;
using HeCompute.Dicom.Imaging;
using HeCompute.Features;

namespace HeCompute.Bench;

/// <summary>
/// Reading, decoding and feature extraction of the <see cref="DicomFixture"/> files, each benchmark from the path:
/// open (pixel data deferred, the reader's default), decode, modality values (HU for the CT slice). Everything a
/// client does per file is inside the measured body, so the allocated bytes include the dataset, the decoded frame
/// and the feature vectors.
/// </summary>
[MemoryDiagnoser]
public class DicomBenchmarks
{
    private DicomFixture _fixture = null!;
    private RadiomicsExtractor _radiomics = null!;
    private ImageDownsampler _downsampler = null!;
    private float[] _frame = null!;

    /// <summary>Writes the files.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _fixture = new DicomFixture();
        _radiomics = new RadiomicsExtractor(new RadiomicsOptions { IntensityUnit = "HU" });
        _downsampler = new ImageDownsampler(new DownsampleOptions { Width = 32, Height = 32, IntensityUnit = "HU" });
        _frame = new float[DicomFixture.FrameSize * DicomFixture.FrameSize];
    }

    /// <summary>Deletes the files.</summary>
    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    /// <summary>CT 512×512, Explicit VR LE: open + decode + HU values.</summary>
    [Benchmark]
    public float[] CtOpenDecodeHu() => Hu(_fixture.CtPath);

    /// <summary>CT 512×512, Explicit VR LE: open + decode + HU + IBSI first-order and GLCM (whole image) + 32×32 downsample.</summary>
    [Benchmark]
    public double CtOpenDecodeFeatures()
    {
        float[] hu = Hu(_fixture.CtPath);
        var features = _radiomics.Extract(hu, DicomFixture.CtSize, DicomFixture.CtSize, RegionOfInterest.WholeImage);
        var image = _downsampler.Downsample(hu, DicomFixture.CtSize, DicomFixture.CtSize);
        return features.Values[0] + image.Values[0];
    }

    /// <summary>CT 512×512, RLE Lossless: open + decode + HU values.</summary>
    [Benchmark]
    public float[] CtRleOpenDecodeHu() => Hu(_fixture.CtRlePath);

    /// <summary>CT 512×512, JPEG Lossless SV1: open + decode + HU values.</summary>
    [Benchmark]
    public float[] CtJpegLosslessOpenDecodeHu() => Hu(_fixture.CtJpegLosslessPath);

    /// <summary>CT 512×512, JPEG 2000 Lossless (OpenJPEG): open + decode + HU values.</summary>
    [Benchmark]
    public float[] CtJpeg2000OpenDecodeHu() => Hu(_fixture.CtJpeg2000Path);

    /// <summary>CT 512×512, HTJ2K Lossless (OpenJPEG): open + decode + HU values.</summary>
    [Benchmark]
    public float[] CtHtj2kOpenDecodeHu() => Hu(_fixture.CtHtj2kPath);

    /// <summary>100 × 256×256 file: open (pixel data deferred) + decode frame 50 to modality values.</summary>
    [Benchmark]
    public float MultiFrameOpenDecodeOneFrame()
    {
        var pixels = DicomPixelData.Create(DicomFile.Open(_fixture.MultiFramePath).Dataset);
        pixels.GetFrameValues(DicomFixture.FrameCount / 2, _frame, PixelOutput.ModalityValues);
        return _frame[0];
    }

    /// <summary>100 × 256×256 file: open + decode all 100 frames, one after the other, into one reused buffer.</summary>
    [Benchmark]
    public float MultiFrameOpenDecodeAllFrames()
    {
        var pixels = DicomPixelData.Create(DicomFile.Open(_fixture.MultiFramePath).Dataset);
        float sum = 0;
        for (int f = 0; f < pixels.FrameCount; f++)
        {
            pixels.GetFrameValues(f, _frame, PixelOutput.ModalityValues);
            sum += _frame[f];
        }

        return sum;
    }

    private static float[] Hu(string path) =>
        DicomPixelData.Create(DicomFile.Open(path).Dataset).GetFrameValues(0, PixelOutput.ModalityValues);
}
