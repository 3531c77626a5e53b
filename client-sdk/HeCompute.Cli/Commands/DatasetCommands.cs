using System.CommandLine;
using System.Globalization;
using HeCompute.Client.Statistics;
using HeCompute.Contracts;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary><c>dataset create|upload|list</c>.</summary>
internal static class DatasetCommands
{
    public static Command Create()
    {
        var dataset = new Command("dataset", "Encrypted cohorts: create one, append encrypted rows");
        dataset.Add(CreateCommand());
        dataset.Add(Upload());
        dataset.Add(List());
        return dataset;
    }

    private static Command CreateCommand()
    {
        var name = new Option<string>("--name") { Description = "Display name", Required = true };
        var features = new Option<string>("--features") { Description = "Comma-separated feature names", Required = true };
        var lower = new Option<string>("--lower") { Description = "Comma-separated lower bounds, one per feature", Required = true };
        var upper = new Option<string>("--upper") { Description = "Comma-separated upper bounds, one per feature", Required = true };
        var categories = new Option<string?>("--categories") { Description = "Comma-separated 0/1 indicator columns (group-by categories or histogram bins)" };
        var command = new Command("create", "Create a dataset; the server plans its parameters and keys") { name, features, lower, upper, categories };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var request = new CreateDatasetRequest(
                parse.GetValue(name)!,
                Names(parse.GetValue(features)!),
                Numbers(parse.GetValue(lower)!, "--lower"),
                Numbers(parse.GetValue(upper)!, "--upper"),
                parse.GetValue(categories) is { } c ? Names(c) : null);
            var response = await context.Client().CreateDatasetAsync(request, cancellationToken);
            context.Output.Result(response, console => Print(console, [response]));
            return 0;
        });
        return command;
    }

    private static Command Upload()
    {
        var dataset = new Argument<string>("dataset") { Description = "Dataset id" };
        var csv = new Argument<FileInfo>("csv") { Description = "CSV with a header naming the dataset's features and categories" };
        csv.AcceptExistingOnly();
        var command = new Command("upload", "Encrypt CSV rows with the dataset's key set and append them in as few batches as the plan allows") { dataset, csv };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var client = context.Client();
            var response = await client.GetDatasetAsync(parse.GetValue(dataset)!, cancellationToken);
            var stored = (await context.KeyStore.ListAsync(cancellationToken)).FirstOrDefault(k => k.Subject == "dataset" && k.SubjectId == response.Id && k.ServerKeySetId is not null)
                ?? throw new CliException($"No uploaded key set for dataset {response.Id}: run `hecompute keys init --dataset {response.Id}` first.");
            using var keys = await context.KeyStore.UnlockAsync(stored, context.Passphrase(), cancellationToken);
            var path = parse.GetValue(csv)!.FullName;
            var table = await CsvTable.ReadAsync(path, cancellationToken);
            var rows = table.Select(new DatasetRecordPacker(response).InputColumns, path);
            var batches = await context.Output.WithProgressAsync("Encrypting and appending", report =>
                DatasetUploader.UploadAsync(client, response, keys, rows, new Progress<(int Completed, int Total)>(p => report((double)p.Completed / Math.Max(1, p.Total), $"batch {p.Completed}/{p.Total}")), cancellationToken));
            context.Output.Result(new { DatasetId = response.Id, Records = rows.Count, Batches = batches }, console =>
                console.MarkupLine($"Appended {rows.Count} records in {batches.Count} encrypted batch(es), {CliOutput.Bytes(batches.Sum(b => b.Bytes))}."));
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Datasets this tenant owns or contributes to");
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var list = await context.Client().ListDatasetsAsync(cancellationToken);
            context.Output.Result(list, console => Print(console, list.Items));
            return 0;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, IEnumerable<DatasetResponse> datasets)
    {
        var table = new Table().AddColumns("id", "name", "columns", "N", "records", "batches", "key set");
        foreach (var d in datasets)
        {
            table.AddRow(d.Id, Markup.Escape(d.Name), Markup.Escape(string.Join(", ", d.Columns)), $"{d.Plan.Parameters.PolyModulusDegree}", $"{d.Records}", $"{d.Batches}", Markup.Escape(d.KeySetId ?? "(none)"));
        }

        console.Write(table);
    }

    private static string[] Names(string list) => [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static double[] Numbers(string list, string option) =>
        [.. Names(list).Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : throw new CliException($"{option}: '{v}' is not a number."))];
}
