using System.Text.Json;
using HeCompute.Dicom.Imaging;
using HeCompute.Dicom.Tests.Codecs;

namespace HeCompute.Dicom.Tests.Imaging;

/// <summary>One imaging expectation computed by make_imaging_fixtures.py with numpy (double precision) or pydicom.</summary>
public sealed record ImagingCase(string Name, string File, int Frame, string Output, string Expected, int Count, double Tolerance);

/// <summary>Stored values, modality values (HU, Modality LUT Sequence), VOI (linear, LINEAR_EXACT, sigmoid, VOI LUT
/// Sequence, min-max), MONOCHROME1, bits allocated 1 and 32, bits stored/high bit, planar configuration, big endian,
/// YBR_FULL_422, YBR_FULL from JPEG, PALETTE COLOR: each equals an independent numpy/pydicom computation.</summary>
public sealed class ImagingOracleTests
{
    internal static readonly Lazy<(string Dir, List<ImagingCase> Cases)> Data = new(() =>
    {
        string dir = OracleFixtures.GenerateOnce(Path.Combine(SourceDirectory(), "make_imaging_fixtures.py"), "imaging.json");
        var cases = JsonSerializer.Deserialize<List<ImagingCase>>(
            File.ReadAllText(Path.Combine(dir, "imaging.json")), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        return (dir, cases);
    });

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Data.Value.Cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Values_equal_the_independent_computation(string name)
    {
        var c = Data.Value.Cases.Single(x => x.Name == name);
        var pixels = DicomPixelData.Create(DicomFile.Open(Path.Combine(Data.Value.Dir, c.File)).Dataset);
        var output = Enum.Parse<PixelOutput>(c.Output);
        float[] actual = pixels.GetFrameValues(c.Frame, output);
        byte[] raw = File.ReadAllBytes(Path.Combine(Data.Value.Dir, c.Expected));
        var expected = new double[raw.Length / 8];
        Buffer.BlockCopy(raw, 0, expected, 0, raw.Length);
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]);
            if (d > worst)
            {
                worst = d;
                at = i;
            }
        }

        Assert.True(worst <= c.Tolerance, $"{name}: worst difference {worst} at {at} (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)}), tolerance {c.Tolerance}");

        // The tensor has the frame's shape and the same values.
        var tensor = pixels.GetFrameTensor(c.Frame, output);
        int channels = actual.Length / (pixels.Rows * pixels.Columns);
        Assert.Equal(channels == 1 ? new nint[] { pixels.Rows, pixels.Columns } : [pixels.Rows, pixels.Columns, channels], tensor.Lengths.ToArray());
        Assert.Equal(actual.Length, (int)tensor.FlattenedLength);
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
