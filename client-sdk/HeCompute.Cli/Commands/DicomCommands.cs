using System.CommandLine;
using HeCompute.Dicom;
using HeCompute.Dicom.Deidentification;
using HeCompute.Dicom.Imaging;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary><c>dicom inspect|deid|render|search</c>.</summary>
internal static class DicomCommands
{
    private const int MaxValuePreview = 64;

    public static Command Create()
    {
        var dicom = new Command("dicom", "Look into and de-identify DICOM files (locally; nothing is sent)");
        dicom.Add(Inspect());
        dicom.Add(Deid());
        dicom.Add(DicomRenderCommand.Create());
        dicom.Add(Search());
        return dicom;
    }

    private static Command Search()
    {
        var root = new Option<string>("--dicomweb") { Description = "The PACS's DICOMweb root (e.g. http://pacs:8042/dicom-web/)", Required = true };
        var patient = new Option<string?>("--patient-id") { Description = "Patient ID to match" };
        var modality = new Option<string?>("--modality") { Description = "A modality in the study (CT, MR, US…)" };
        var date = new Option<string?>("--study-date") { Description = "Study date or range, YYYYMMDD or YYYYMMDD-YYYYMMDD" };
        var command = new Command("search", "Find studies in a PACS over DICOMweb (QIDO-RS); the answer stays on this machine") { root, patient, modality, date };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var query = new Dictionary<string, string>(StringComparer.Ordinal);
            if (parse.GetValue(patient) is { } p)
            {
                query["PatientID"] = p;
            }

            if (parse.GetValue(modality) is { } m)
            {
                query["ModalitiesInStudy"] = m;
            }

            if (parse.GetValue(date) is { } d)
            {
                query["StudyDate"] = d;
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            var client = new HeCompute.Dicom.Web.DicomWebClient(http, DicomWebSource.ParseRoot(parse.GetValue(root)!));
            var studies = await client.SearchStudiesAsync(query, cancellationToken);
            var found = studies.Select(s => new FoundStudy(
                Text(s, DicomTag.StudyInstanceUID),
                Text(s, DicomTag.PatientID),
                Text(s, DicomTag.StudyDate),
                Text(s, new DicomTag(0x0008, 0x0061)), // Modalities in Study
                Text(s, DicomTag.StudyDescription))).ToList();
            context.Output.Result(new { Studies = found }, console =>
            {
                var table = new Table().AddColumns("study", "patient id", "date", "modalities", "description");
                foreach (var f in found)
                {
                    table.AddRow(Markup.Escape(f.StudyInstanceUid), Markup.Escape(f.PatientId), Markup.Escape(f.StudyDate), Markup.Escape(f.Modalities), Markup.Escape(f.Description));
                }

                console.Write(table);
            });
            return 0;
        });
        return command;
    }

    private static string Text(DicomDataset dataset, DicomTag tag) => dataset.Contains(tag) ? dataset.GetString(tag) : string.Empty;

    private static Command Inspect()
    {
        var file = new Argument<FileInfo>("file") { Description = "A DICOM file" };
        file.AcceptExistingOnly();
        var command = new Command("inspect", "Show a file's attributes, transfer syntax and pixel description; of a damaged file, what is sound and where the first unsound element is (exit code 1)") { file };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            var stream = File.OpenRead(path);
            await using (stream)
            {
                // A partial read: inspecting a damaged file shows what other toolkits read of it, and where and why it breaks.
                var dicom = await DicomFile.OpenAsync(stream, new DicomReadOptions { Partial = true }, cancellationToken);
                var elements = new List<InspectedElement>();
                foreach (var item in dicom.Dataset)
                {
                    elements.Add(Describe(dicom.Dataset, item));
                }

                InspectedPixels? pixels = null;
                string? pixelError = null;
                if (dicom.Dataset.Contains(DicomTag.PixelData))
                {
                    try
                    {
                        var p = DicomPixelData.Create(dicom.Dataset);
                        pixels = new InspectedPixels(p.Rows, p.Columns, p.FrameCount, p.SamplesPerPixel, p.BitsAllocated, p.BitsStored, p.IsSigned, p.PhotometricInterpretation, p.ModalityLut.Slope, p.ModalityLut.Intercept, p.FrameLocationNote);
                    }
                    catch (DicomCodecException e)
                    {
                        // Inspecting must not need a decoder: the attributes are still worth showing.
                        pixelError = e.Message;
                    }
                }

                var unsound = dicom.Unsound is { } u ? new InspectedUnsound(u.Tag?.ToString(), u.Offset, u.Reason, u.InFileMetaInformation) : null;
                var result = new InspectedFile(path, new InspectedSyntax(dicom.TransferSyntax.Uid, dicom.TransferSyntax.Name), pixels, elements, pixelError, unsound);
                context.Output.Result(result, console =>
                {
                    console.MarkupLine($"[bold]{Markup.Escape(path)}[/]  {Markup.Escape(result.TransferSyntax.Name)} ({result.TransferSyntax.Uid})");
                    if (pixelError is not null)
                    {
                        console.MarkupLine($"[yellow]pixels not decodable:[/] {Markup.Escape(pixelError)}");
                    }

                    if (pixels is not null)
                    {
                        console.MarkupLine($"pixels: {pixels.Columns}×{pixels.Rows}, {pixels.Frames} frame(s), {pixels.BitsStored}/{pixels.BitsAllocated} bits {(pixels.Signed ? "signed" : "unsigned")}, {pixels.PhotometricInterpretation}, rescale {pixels.RescaleSlope}·x + {pixels.RescaleIntercept}");
                        if (pixels.FrameLocation is { } note)
                        {
                            console.MarkupLine($"[yellow]frames:[/] {Markup.Escape(note)}");
                        }
                    }

                    var table = new Table().AddColumns("tag", "VR", "keyword", "value");
                    foreach (var e in elements)
                    {
                        table.AddRow(e.Tag, e.Vr, Markup.Escape(e.Keyword ?? ""), Markup.Escape(e.Value));
                    }

                    console.Write(table);
                    if (unsound is not null)
                    {
                        console.MarkupLine($"[red]unsound from {Markup.Escape(unsound.Tag ?? "an element tag")} at byte offset {unsound.Offset}{(unsound.InFileMetaInformation ? " (File Meta Information)" : string.Empty)}:[/] {Markup.Escape(unsound.Reason)}; the elements above were read whole, the rest was not read");
                    }
                });

                if (unsound is not null)
                {
                    return CliRunner.InputError;
                }
            }

            return 0;
        });
        return command;
    }

    private static Command Deid()
    {
        var input = new Argument<FileInfo>("in") { Description = "The DICOM file to de-identify" };
        input.AcceptExistingOnly();
        var output = new Argument<FileInfo>("out") { Description = "Where to write the de-identified file" };
        var command = new Command("deid", "De-identify a file (PS3.15 basic profile); prints the report (paths and actions, never values). UIDs are keyed by $HECOMPUTE_DEID_SECRET") { input, output };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var source = parse.GetValue(input)!.FullName;
            var destination = parse.GetValue(output)!.FullName;
            var deidentifier = new DicomDeidentifier(context.Deidentification());
            var stream = File.OpenRead(source);
            DeidentificationReport report;
            await using (stream)
            {
                var (result, r) = deidentifier.Deidentify(await DicomFile.OpenAsync(stream, new DicomReadOptions(), cancellationToken));
                report = r;
                var target = File.Create(destination);
                await using (target)
                {
                    await result.SaveAsync(target, cancellationToken);
                }
            }

            context.Output.Result(new { Input = source, Output = destination, Report = report }, console =>
            {
                var table = new Table().AddColumns("outcome", "attributes");
                foreach (var group in report.Entries.GroupBy(e => e.Outcome))
                {
                    table.AddRow(group.Key.ToString(), $"{group.Count()}");
                }

                console.MarkupLine($"Wrote [bold]{Markup.Escape(destination)}[/]; options: {Markup.Escape(string.Join(", ", report.OptionsApplied))}");
                if (report.PixelsCleaned)
                {
                    console.MarkupLine($"Clean Pixel Data: blanked {Markup.Escape(string.Join("; ", report.CleanedRectangles))} ({Markup.Escape(string.Join("; ", report.PixelCleaningNotes))}); BurnedInAnnotation is NO");
                }
                else if (report.PixelCleaningNotes.Count > 0)
                {
                    console.MarkupLine($"Pixels not cleaned: {Markup.Escape(string.Join("; ", report.PixelCleaningNotes))}");
                }

                console.Write(table);
            });
            return 0;
        });
        return command;
    }

    private static InspectedElement Describe(DicomDataset dataset, DicomItem item)
    {
        var keyword = DicomDictionary.Default.TryGet(item.Tag, out var entry) ? entry.Keyword : null;
        var value = item switch
        {
            DicomSequence sequence => $"{sequence.Items.Count} item(s)",
            DicomFragmentSequence fragments => $"{fragments.Fragments.Count} fragment(s)",
            DicomElement element when IsText(element.VR) && element.Length <= 4096 => Preview(dataset.GetString(item.Tag)),
            DicomElement element when IsNumber(element.VR) && element.Length <= 64 => Preview(string.Join('\\', dataset.GetValues<double>(item.Tag))),
            DicomElement element => $"{element.Length} bytes",
            _ => string.Empty,
        };
        return new InspectedElement(item.Tag.ToString(), item.VR.ToString(), keyword, value);
    }

    private static string Preview(string value) => value.Length <= MaxValuePreview ? value : value[..MaxValuePreview] + "…";

    private static bool IsText(DicomVR vr) => vr is DicomVR.AE or DicomVR.AS or DicomVR.CS or DicomVR.DA or DicomVR.DS or DicomVR.DT or DicomVR.IS
        or DicomVR.LO or DicomVR.LT or DicomVR.PN or DicomVR.SH or DicomVR.ST or DicomVR.TM or DicomVR.UC or DicomVR.UI or DicomVR.UR or DicomVR.UT;

    private static bool IsNumber(DicomVR vr) => vr is DicomVR.US or DicomVR.SS or DicomVR.UL or DicomVR.SL or DicomVR.FL or DicomVR.FD;

    private sealed record FoundStudy(string StudyInstanceUid, string PatientId, string StudyDate, string Modalities, string Description);

    private sealed record InspectedFile(string Path, InspectedSyntax TransferSyntax, InspectedPixels? Pixels, IReadOnlyList<InspectedElement> Elements, string? PixelError, InspectedUnsound? Unsound);

    private sealed record InspectedUnsound(string? Tag, long Offset, string Reason, bool InFileMetaInformation);

    private sealed record InspectedSyntax(string Uid, string Name);

    private sealed record InspectedPixels(int Rows, int Columns, int Frames, int SamplesPerPixel, int BitsAllocated, int BitsStored, bool Signed, string PhotometricInterpretation, double RescaleSlope, double RescaleIntercept, string? FrameLocation);

    private sealed record InspectedElement(string Tag, string Vr, string? Keyword, string Value);
}
