using System.CommandLine;
using HeCompute.Dicom;
using HeCompute.Dicom.Web;

namespace HeCompute.Cli;

/// <summary>
/// The instances of a study (or series) retrieved from a PACS over DICOMweb into a private temporary directory (0700,
/// files 0600) of this machine, for the commands that read DICOM files; deleted when disposed. The files are
/// de-identified by the command that reads them, as local files are: nothing identifying is sent anywhere.
/// </summary>
internal sealed class DicomWebSource : IDisposable
{
    private readonly string _directory;
    private readonly Dictionary<string, string> _urls = new(StringComparer.Ordinal);

    private DicomWebSource(string directory) => _directory = directory;

    /// <summary>The retrieved files, in the PACS's instance order.</summary>
    public List<string> Paths { get; } = [];

    /// <summary>The WADO-RS address a retrieved file came from (the path itself for any other file).</summary>
    public string Origin(string path) => _urls.TryGetValue(path, out var url) ? url : path;

    /// <summary>The --dicomweb argument as an absolute http(s) address.</summary>
    public static Uri ParseRoot(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new CliException($"--dicomweb '{text}' is not an http(s) address of a DICOMweb root.");

    public static async Task<DicomWebSource> FetchAsync(CliContext context, Uri root, string study, string? series, CancellationToken cancellationToken)
    {
        string directory = Path.Combine(Path.GetTempPath(), "hecompute-dicomweb-" + Guid.NewGuid().ToString("N"));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory); // the user's temp folder is private there
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var source = new DicomWebSource(directory);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
            var client = new DicomWebClient(http, root);
            var instances = await client.SearchInstancesAsync(study, series, null, cancellationToken);
            if (instances.Count == 0)
            {
                throw new CliException($"The PACS at {root} has no instance in study {study}{(series is null ? string.Empty : $", series {series}")}.");
            }

            await context.Output.WithProgressAsync("Retrieving from the PACS", async report =>
            {
                for (int i = 0; i < instances.Count; i++)
                {
                    string seriesUid = series ?? instances[i].GetString(DicomTag.SeriesInstanceUID);
                    string sop = instances[i].GetString(DicomTag.SOPInstanceUID);
                    report((double)i / instances.Count, sop);
                    var file = await client.RetrieveInstanceAsync(study, seriesUid, sop, "*", cancellationToken);
                    string path = Path.Combine(directory, $"{i + 1:D5}.dcm");
                    var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                    if (!OperatingSystem.IsWindows())
                    {
                        options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                    }

                    var stream = new FileStream(path, options);
                    await using (stream)
                    {
                        await file.SaveAsync(stream, cancellationToken);
                    }

                    source.Paths.Add(path);
                    source._urls[path] = new Uri(root, $"studies/{study}/series/{seriesUid}/instances/{sop}").AbsoluteUri;
                }

                report(1, null);
                return 0;
            });
            return source;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>The --dicomweb, --study and --series options of a command that reads DICOM files (predict, dataset upload).</summary>
internal sealed class DicomWebOptions
{
    public Option<string?> Root { get; } = new("--dicomweb")
    {
        Description = "A PACS's DICOMweb root (e.g. http://pacs:8042/dicom-web/): read the images of --study from it (QIDO-RS, WADO-RS); they are de-identified here like local files",
    };

    public Option<string?> Study { get; } = new("--study") { Description = "Study Instance UID to read from --dicomweb" };

    public Option<string?> Series { get; } = new("--series") { Description = "Only this Series Instance UID of the study" };

    public void AddTo(Command command)
    {
        command.Add(Root);
        command.Add(Study);
        command.Add(Series);
    }

    /// <summary>The study (or series) retrieved into a private temporary directory, or null without --dicomweb.</summary>
    public async Task<DicomWebSource?> OpenAsync(CliContext context, ParseResult parse, CancellationToken cancellationToken)
    {
        if (parse.GetValue(Root) is not { } root)
        {
            return parse.GetValue(Study) is null && parse.GetValue(Series) is null
                ? null
                : throw new CliException("--study and --series need --dicomweb URL.");
        }

        var study = parse.GetValue(Study) ?? throw new CliException("--dicomweb needs --study UID.");
        return await DicomWebSource.FetchAsync(context, DicomWebSource.ParseRoot(root), study, parse.GetValue(Series), cancellationToken);
    }
}
