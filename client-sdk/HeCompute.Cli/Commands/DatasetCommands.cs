using System.CommandLine;
using System.Globalization;
using HeCompute.Client.Keys;
using HeCompute.Client.Prediction;
using HeCompute.Client.Statistics;
using HeCompute.Contracts;
using HeCompute.Features;
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
        dataset.Add(Contributors());
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
        var finish = new Option<bool>("--encrypted-finish") { Description = "Plan levels for means, variances and standard deviations finished under encryption (stats --encrypted-finish)" };
        var flooding = new Option<bool>("--noise-flooding") { Description = "Plan scale bits for noise-flooded statistics (stats --noise-flooding)" };
        var maxRecords = new Option<int?>("--max-records") { Description = "Upper bound on the records the dataset will hold (default 100000)" };
        var precision = new Option<int?>("--precision-bits") { Description = "Bits of absolute precision of every result divided by the record count (default 20)" };
        var command = new Command("create", "Create a dataset; the server plans its parameters and keys") { name, features, lower, upper, categories, finish, flooding, maxRecords, precision };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var request = new CreateDatasetRequest(
                parse.GetValue(name)!,
                Names(parse.GetValue(features)!),
                Numbers(parse.GetValue(lower)!, "--lower"),
                Numbers(parse.GetValue(upper)!, "--upper"),
                parse.GetValue(categories) is { } c ? Names(c) : null,
                parse.GetValue(finish),
                parse.GetValue(maxRecords),
                parse.GetValue(precision),
                parse.GetValue(flooding));
            var response = await context.Client().CreateDatasetAsync(request, cancellationToken);
            context.Output.Result(response, console => Print(console, [response]));
            return 0;
        });
        return command;
    }

    private static Command Upload()
    {
        var datasetOption = new Option<string?>("--dataset") { Description = "Dataset id (or give it as the first argument)" };
        var contributor = new Option<bool>("--contributor")
        {
            Description = "Encrypt under the dataset owner's public key, with no local key set (automatic when this tenant does not own the dataset)",
        };
        var pin = new Option<string?>("--public-key-sha256")
        {
            Description = "Contributors: the owner's public key fingerprint, obtained from the owner out of band; refuse any other key the server serves",
        };
        var files = new Argument<string[]>("dataset-and-inputs")
        {
            Description = "[DATASET] FILE.csv | DICOM...: a CSV with a header naming the dataset's columns, or DICOM files whose radiomics features are the columns",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var dicomWeb = new DicomWebOptions();
        var command = new Command("upload", "Encrypt CSV rows, or the features of DICOM files (local or from a PACS, de-identified here), and append them in as few batches as the plan allows (owner: its key set; contributor: the owner's public key)")
        {
            datasetOption, contributor, pin,
        };
        dicomWeb.AddTo(command);
        command.Add(files);
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var arguments = parse.GetValue(files) ?? [];
            var (datasetId, inputs) = parse.GetValue(datasetOption) is { } given
                ? (given, arguments)
                : arguments.Length > 0 ? (arguments[0], arguments[1..]) : throw new CliException("Give the dataset: `dataset upload --dataset ID INPUTS` or `dataset upload ID INPUTS`.");
            foreach (var path in inputs.Where(p => !File.Exists(p)))
            {
                throw new CliException($"File '{path}' does not exist.");
            }

            var csv = inputs.Where(p => p.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)).ToList();
            if (csv.Count > 0 && (csv.Count > 1 || inputs.Length > 1 || parse.GetValue(dicomWeb.Root) is not null))
            {
                throw new CliException("Upload one CSV file alone, or DICOM files and/or --dicomweb URL --study UID.");
            }

            var client = context.Client();
            var response = await client.GetDatasetAsync(datasetId, cancellationToken);
            var asContributor = parse.GetValue(contributor) || !response.Owned;
            var columns = new DatasetRecordPacker(response).InputColumns;
            IReadOnlyList<IReadOnlyList<double>> rows;
            List<UploadedRecord>? records = null;
            if (csv.Count == 1)
            {
                rows = (await CsvTable.ReadAsync(csv[0], cancellationToken)).Select(columns, csv[0]);
            }
            else
            {
                using var pacs = await dicomWeb.OpenAsync(context, parse, cancellationToken);
                var paths = inputs.Select(Path.GetFullPath).Concat(pacs?.Paths ?? []).ToList();
                if (paths.Count == 0)
                {
                    throw new CliException("Nothing to upload: give a CSV file, DICOM files, or --dicomweb URL --study UID.");
                }

                var reader = new DicomFeatureReader(context.Deidentification(), new RadiomicsOptions());
                var selection = reader.SelectFeatures(columns, null);
                var features = await context.Output.WithProgressAsync("De-identifying and extracting features", report =>
                    reader.ReadRecordsAsync(paths, selection, new Progress<PredictionProgress>(p => report((double)p.Completed / Math.Max(1, p.Total), $"{p.Stage} {p.Item}")), cancellationToken));
                rows = features;
                records = [.. paths.Select((p, i) => new UploadedRecord(pacs?.Origin(p) ?? p, features[i]))];
            }

            using ISlotEncryptor encryptor = asContributor
                ? await DatasetUploader.OpenContributorEncryptorAsync(client, response, parse.GetValue(pin), cancellationToken)
                : await UnlockOwnerKeysAsync(context, response, cancellationToken);
            var batches = await context.Output.WithProgressAsync("Encrypting and appending", report =>
                DatasetUploader.UploadAsync(client, response, encryptor, rows, new Progress<(int Completed, int Total)>(p => report((double)p.Completed / Math.Max(1, p.Total), $"batch {p.Completed}/{p.Total}")), cancellationToken));
            var fingerprint = (encryptor as PublicKeyEncryptor)?.PublicKeySha256;
            context.Output.Result(new { DatasetId = response.Id, Records = rows.Count, Contributor = asContributor, PublicKeySha256 = fingerprint, Batches = batches, Columns = columns, Inputs = records }, console =>
                console.MarkupLine($"Appended {rows.Count} records in {batches.Count} encrypted batch(es), {CliOutput.Bytes(batches.Sum(b => b.Bytes))}"
                    + (fingerprint is null ? "." : $", encrypted under the owner's public key sha256:{fingerprint}.")));
            return 0;
        });
        return command;
    }

    /// <summary>A DICOM input of an upload and the features it gave (printed locally; only the ciphertexts are sent).</summary>
    private sealed record UploadedRecord(string Input, IReadOnlyList<double> Features);

    /// <summary>The owner's side of an upload: its key set for the dataset, unlocked with the passphrase.</summary>
    private static async Task<ISlotEncryptor> UnlockOwnerKeysAsync(CliContext context, DatasetResponse response, CancellationToken cancellationToken)
    {
        var stored = (await context.KeyStore.ListAsync(cancellationToken)).FirstOrDefault(k => k.Subject == "dataset" && k.SubjectId == response.Id && k.ServerKeySetId is not null)
            ?? throw new CliException($"No uploaded key set for dataset {response.Id} in {context.KeyStore.Directory}: run `hecompute keys init --dataset {response.Id}` first, or upload with --contributor to encrypt under the bound public key.");
        return await context.KeyStore.UnlockAsync(stored, context.Passphrase(), cancellationToken);
    }

    private static Command Contributors()
    {
        var contributors = new Command("contributors", "Tenants allowed to append records to a dataset (they see its definition and plan, nothing else)");
        var datasetOption = new Option<string>("--dataset") { Description = "Dataset id", Required = true };
        var tenant = new Argument<string>("tenant") { Description = "The contributing tenant's id" };
        var add = new Command("add", "Let another tenant append records encrypted under this dataset's public key (owner)") { datasetOption, tenant };
        CliRunner.SetAction(add, async (context, parse, cancellationToken) =>
        {
            var client = context.Client();
            var response = await client.AddDatasetContributorAsync(parse.GetValue(datasetOption)!, parse.GetValue(tenant)!, cancellationToken);
            var stored = (await context.KeyStore.ListAsync(cancellationToken)).FirstOrDefault(k => k.ServerKeySetId is not null && k.ServerKeySetId == response.KeySetId);
            var fingerprint = stored is null ? null : await context.KeyStore.PublicKeySha256Async(stored, cancellationToken);
            context.Output.Result(new { DatasetId = response.Id, TenantId = parse.GetValue(tenant), PublicKeySha256 = fingerprint }, console =>
                console.MarkupLine($"Tenant {Markup.Escape(parse.GetValue(tenant)!)} may now append to dataset {response.Id}."
                    + (fingerprint is null ? string.Empty : $" Give it the public key fingerprint to pin: {fingerprint}")));
            return 0;
        });
        contributors.Add(add);
        return contributors;
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
