using System.Text.Json;

namespace HeCompute.Dicom.Tests.IO;

/// <summary>
/// pydicom's files transcoded by dcmtk (dcmconv +te, +te -e (undefined lengths), +tb, +ti, +td) and gdcm (gdcmconv -X,
/// -M, -d; -w to decompress encapsulated files), generated once per test run into a temp folder, with pydicom's parse of each.
/// </summary>
public sealed class TranscodedCorpus
{
    private static readonly Lazy<TranscodedCorpus> Lazy = new(() => new TranscodedCorpus());

    /// <summary>Uncompressed pydicom test files dcmtk transcodes into every uncompressed syntax.</summary>
    public static readonly string[] DcmtkSources =
    [
        "test_files/CT_small.dcm", "test_files/MR_small.dcm", "test_files/MR_small_padded.dcm", "test_files/rtdose.dcm", "test_files/rtplan.dcm",
        "test_files/rtstruct.dcm", "test_files/test-SR.dcm", "test_files/waveform_ecg.dcm", "test_files/reportsi.dcm", "test_files/liver_1frame.dcm",
        "test_files/SC_rgb_small_odd.dcm", "test_files/SC_ybr_full_422_uncompressed.dcm", "test_files/ExplVR_BigEnd.dcm", "test_files/priv_SQ.dcm",
        "test_files/nested_priv_SQ.dcm", "charset_files/chrH31.dcm", "charset_files/chrI2.dcm", "charset_files/chrX1.dcm", "charset_files/chrX2.dcm",
        "charset_files/chrFrenMulti.dcm", "charset_files/chrSQEncoding.dcm", "charset_files/chrRuss.dcm", "charset_files/chrGreek.dcm",
    ];

    /// <summary>dcmconv options per variant name.</summary>
    public static readonly (string Name, string[] Options)[] DcmtkVariants =
    [
        ("dcmtk+te", ["+te"]),
        ("dcmtk+te-e", ["+te", "-e"]),
        ("dcmtk+tb", ["+tb"]),
        ("dcmtk+ti", ["+ti"]),
        ("dcmtk+td", ["+td"]),
    ];

    /// <summary>Image files gdcm transcodes to explicit, implicit and deflated.</summary>
    public static readonly string[] GdcmSources =
    [
        "test_files/CT_small.dcm", "test_files/MR_small.dcm", "test_files/rtdose.dcm", "test_files/liver_1frame.dcm",
        "test_files/SC_rgb_small_odd.dcm", "test_files/SC_ybr_full_422_uncompressed.dcm",
    ];

    /// <summary>Encapsulated files gdcm decompresses (gdcmconv -w).</summary>
    public static readonly string[] GdcmRawSources =
    [
        "test_files/JPEG2000.dcm", "test_files/MR_small_RLE.dcm", "test_files/SC_rgb_jpeg_dcmtk.dcm", "test_files/JPGExtended.dcm",
        "test_files/SC_rgb_rle.dcm", "test_files/MR_small_jp2klossless.dcm", "test_files/MR_small_jpeg_ls_lossless.dcm",
        "test_files/SC_rgb_rle_2frame.dcm", "test_files/rtdose_rle.dcm", "test_files/693_J2KI.dcm",
    ];

    private TranscodedCorpus()
    {
        Directory = ExternalTools.TempDirectory("transcoded");
        string dcmconv = ExternalTools.Dcmtk("dcmconv");
        string gdcmconv = ExternalTools.Gdcm("gdcmconv");
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var jobs = new List<(string Key, string Tool, string[] Arguments)>();
        foreach (string source in DcmtkSources)
        {
            foreach (var (name, options) in DcmtkVariants)
            {
                string output = OutputPath(source, name);
                jobs.Add((Key(source, name), dcmconv, [.. options, Source(source), output]));
            }
        }

        foreach (string source in GdcmSources)
        {
            foreach (var (name, option) in new[] { ("gdcm-X", "-X"), ("gdcm-M", "-M"), ("gdcm-d", "-d") })
            {
                jobs.Add((Key(source, name), gdcmconv, [option, Source(source), OutputPath(source, name)]));
            }
        }

        foreach (string source in GdcmRawSources)
        {
            jobs.Add((Key(source, "gdcm-w"), gdcmconv, ["-w", Source(source), OutputPath(source, "gdcm-w")]));
        }

        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, job => ExternalTools.RunChecked(job.Tool, job.Arguments));
        foreach (var job in jobs)
        {
            files[job.Key] = job.Arguments[^1];
        }

        Files = files;
        Oracle = PydicomOracle.Dump(files.Values);
    }

    /// <summary>The corpus (generated on first use).</summary>
    public static TranscodedCorpus Instance => Lazy.Value;

    /// <summary>Where the files are.</summary>
    public string Directory { get; }

    /// <summary>Transcoded file path per key "source|variant".</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary>pydicom's parse per file path.</summary>
    public IReadOnlyDictionary<string, JsonElement> Oracle { get; }

    /// <summary>The key of a variant.</summary>
    public static string Key(string source, string variant) => source + "|" + variant;

    /// <summary>Every variant key (without generating anything).</summary>
    public static IEnumerable<string> Keys() =>
        DcmtkSources.SelectMany(s => DcmtkVariants.Select(v => Key(s, v.Name)))
            .Concat(GdcmSources.SelectMany(s => new[] { "gdcm-X", "gdcm-M", "gdcm-d" }.Select(v => Key(s, v))))
            .Concat(GdcmRawSources.Select(s => Key(s, "gdcm-w")));

    /// <summary>The absolute path of a pydicom data file.</summary>
    public static string Source(string relative) => Path.Combine(ExternalTools.PydicomData, relative);

    private string OutputPath(string source, string variant) =>
        Path.Combine(Directory, Path.GetFileNameWithoutExtension(source) + "." + variant.Replace('+', 'p') + ".dcm");
}
