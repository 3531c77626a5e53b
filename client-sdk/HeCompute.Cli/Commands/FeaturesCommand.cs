using System.CommandLine;
using System.Text.Json;
using HeCompute.Client.Prediction;
using HeCompute.Features;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary><c>features FILES...</c>: radiomics features of DICOM files after de-identification, with the schema.</summary>
internal static class FeaturesCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files") { Description = "DICOM files", Arity = ArgumentArity.OneOrMore };
        files.AcceptExistingOnly();
        var command = new Command("features", "Extract the radiomics features (whole image, first frame) of DICOM files, locally") { files };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var reader = new DicomFeatureReader(context.Deidentification(), new RadiomicsOptions());
            var records = new List<FeatureRecord>();
            foreach (var file in parse.GetValue(files)!)
            {
                var features = await reader.ReadAsync(file.FullName, cancellationToken);
                var values = new Dictionary<string, double>(StringComparer.Ordinal);
                for (var i = 0; i < features.Vector.Count; i++)
                {
                    values[reader.Schema.Features[i].Name] = features.Vector[i];
                }

                records.Add(new FeatureRecord(file.FullName, values));
            }

            using var schema = JsonDocument.Parse(reader.Schema.ToJson());
            context.Output.Result(new FeatureTable(reader.Schema.Fingerprint, schema.RootElement.Clone(), records), console =>
            {
                console.MarkupLine($"schema {Markup.Escape(reader.Schema.ToString())}");
                var table = new Table().AddColumn("feature");
                foreach (var record in records)
                {
                    table.AddColumn(Markup.Escape(Path.GetFileName(record.Path)));
                }

                foreach (var definition in reader.Schema.Features)
                {
                    table.AddRow([Markup.Escape(definition.Name), .. records.Select(r => r.Values[definition.Name].ToString("G6", System.Globalization.CultureInfo.InvariantCulture))]);
                }

                console.Write(table);
            });
            return 0;
        });
        return command;
    }

    private sealed record FeatureRecord(string Path, IReadOnlyDictionary<string, double> Values);

    private sealed record FeatureTable(string Fingerprint, JsonElement Schema, IReadOnlyList<FeatureRecord> Records);
}
