using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace HeCompute.Features.Tests.Oracle;

/// <summary>A radiomics case: a frame, the region given to the library, and the same region as an explicit mask for the oracle.</summary>
internal sealed record RadiomicsCase(
    string Id, int Width, int Height, float[] Pixels, RegionOfInterest Roi, bool[] OracleMask, RadiomicsOptions Options)
{
    public override string ToString() => Id;
}

/// <summary>A downsampling case: a frame, the region given to the library, and its bounding rectangle for the oracle.</summary>
internal sealed record DownsampleCase(
    string Id, int Width, int Height, float[] Pixels, RegionOfInterest? Roi, PixelRectangle OracleRect, DownsampleOptions Options)
{
    public override string ToString() => Id;
}

/// <summary>
/// Runs tests/HeCompute.Features.Tests/Oracle/feature_oracle.py with Debian's /usr/bin/python3 (numpy) over every case
/// once, and hands out its results. Fails loudly when the interpreter or numpy is missing: the repository's test
/// command installs python3-numpy.
/// </summary>
internal static class NumpyOracle
{
    private static readonly Lazy<Dictionary<string, Dictionary<string, double>>> LazyResults = new(Run, LazyThreadSafetyMode.ExecutionAndPublication);

    public static IReadOnlyList<RadiomicsCase> RadiomicsCases { get; } = OracleCases.Radiomics();

    public static IReadOnlyList<DownsampleCase> DownsampleCases { get; } = OracleCases.Downsample();

    /// <summary>Seconds the Python run took.</summary>
    public static double Seconds { get; private set; }

    /// <summary>The oracle's values for a case: feature name → value.</summary>
    public static IReadOnlyDictionary<string, double> Results(string id) =>
        LazyResults.Value.TryGetValue(id, out Dictionary<string, double>? r) ? r : throw new KeyNotFoundException($"The oracle returned nothing for case '{id}'.");

    private static Dictionary<string, Dictionary<string, double>> Run()
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Oracle", "feature_oracle.py");
        using var directory = new TempDirectory();
        string dir = directory.Path;
        WriteCases(dir);
        var clock = Stopwatch.StartNew();
        DebianPython.RunFile(script, "python3-numpy", [dir], TimeSpan.FromMinutes(2));
        Seconds = clock.Elapsed.TotalSeconds;

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
        var results = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (JsonProperty c in doc.RootElement.EnumerateObject())
        {
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (JsonProperty f in c.Value.EnumerateObject())
            {
                values[f.Name] = f.Value.GetDouble();
            }

            results[c.Name] = values;
        }

        return results;
    }

    private static void WriteCases(string dir)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (RadiomicsCase c in RadiomicsCases)
            {
                WriteImage(dir, c.Id, c.Pixels);
                File.WriteAllBytes(Path.Combine(dir, c.Id + ".mask"), [.. c.OracleMask.Select(b => b ? (byte)1 : (byte)0)]);
                RadiomicsOptions o = c.Options;
                json.WriteStartObject();
                json.WriteString("id", c.Id);
                json.WriteString("kind", "radiomics");
                json.WriteNumber("width", c.Width);
                json.WriteNumber("height", c.Height);
                json.WriteString("image", c.Id + ".f32");
                json.WriteString("mask", c.Id + ".mask");
                WriteBound(json, "reseg_lower", o.Resegmentation?.Lower);
                WriteBound(json, "reseg_upper", o.Resegmentation?.Upper);
                json.WriteNumber("bin_width", o.HistogramBinWidth);
                WriteBound(json, "bin_lower", o.HistogramLowerBound);
                json.WriteNumber("grey_levels", o.GlcmGreyLevels);
                json.WriteNumber("distance", o.GlcmDistance);
                json.WriteEndObject();
            }

            foreach (DownsampleCase c in DownsampleCases)
            {
                WriteImage(dir, c.Id, c.Pixels);
                json.WriteStartObject();
                json.WriteString("id", c.Id);
                json.WriteString("kind", "downsample");
                json.WriteNumber("width", c.Width);
                json.WriteNumber("height", c.Height);
                json.WriteString("image", c.Id + ".f32");
                json.WriteStartArray("rect");
                json.WriteNumberValue(c.OracleRect.X);
                json.WriteNumberValue(c.OracleRect.Y);
                json.WriteNumberValue(c.OracleRect.Width);
                json.WriteNumberValue(c.OracleRect.Height);
                json.WriteEndArray();
                json.WriteNumber("out_width", c.Options.Width);
                json.WriteNumber("out_height", c.Options.Height);
                json.WriteString("norm", c.Options.Normalization.ToString().ToLowerInvariant());
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        File.WriteAllBytes(Path.Combine(dir, "manifest.json"), stream.ToArray());
    }

    private static void WriteBound(Utf8JsonWriter json, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteImage(string dir, string id, float[] pixels)
    {
        var bytes = new byte[pixels.Length * 4];
        for (int i = 0; i < pixels.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), pixels[i]);
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The oracle files are little-endian.");
        }

        File.WriteAllBytes(Path.Combine(dir, id + ".f32"), bytes);
    }

    /// <summary>
    /// Asserts |actual − expected| ≤ 1e-9·|expected| + 1e-12·scale: 1e-9 relative, with an absolute floor of 1e-12
    /// of the feature's natural scale for values that are (nearly) zero. Returns the relative error.
    /// </summary>
    public static double AssertClose(string what, double expected, double actual, double scale)
    {
        double diff = Math.Abs(actual - expected);
        double tolerance = 1e-9 * Math.Abs(expected) + 1e-12 * scale;
        if (!(diff <= tolerance))
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{what}: expected {expected:R}, actual {actual:R}, |difference| {diff:R} > tolerance {tolerance:R}"));
        }

        return expected == 0 ? diff : diff / Math.Abs(expected);
    }
}
