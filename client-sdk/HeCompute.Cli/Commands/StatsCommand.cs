using System.CommandLine;
using System.Globalization;
using HeCompute.Client.Statistics;
using HeCompute.Contracts;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary><c>stats DATASET</c>: request statistics, wait for the job, decrypt everything it returned, print.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "Dataset id" };
        var finish = new Option<bool>("--encrypted-finish")
        {
            Description = "Also have the server finish means, variances and standard deviations under encryption (the dataset must allow it)",
        };
        var flooding = new Option<bool>("--noise-flooding") { Description = "Have the server flood the results with noise (for decryptions that will be shared)" };
        var epsilon = new Option<double?>("--dp-epsilon")
        {
            Description = "Release the sums, means and variances with differential privacy, total budget ε split evenly over them (bounded DP: n is public)",
        };
        var delta = new Option<double?>("--dp-delta") { Description = "Total δ of a Gaussian release" };
        var mechanism = new Option<string>("--dp-mechanism") { Description = "laplace (ε-DP, default) or gaussian ((ε, δ)-DP)", DefaultValueFactory = _ => "laplace" };
        mechanism.AcceptOnlyFromAmong("laplace", "gaussian");
        var seed = new Option<int?>("--dp-seed")
        {
            Description = "Seed the noise for reproducible DEMOS ONLY: a seeded release has no privacy and must never be published",
        };
        var command = new Command("stats", "Compute a dataset's statistics under encryption and decrypt them here; optionally release them with differential privacy")
        {
            dataset, finish, flooding, epsilon, delta, mechanism, seed,
        };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var privacy = PrivacyRequest.From(parse.GetValue(epsilon), parse.GetValue(delta), parse.GetValue(mechanism)!, parse.GetValue(seed));
            var client = context.Client();
            var response = await client.GetDatasetAsync(parse.GetValue(dataset)!, cancellationToken);
            if (!response.Owned)
            {
                throw new CliException($"Dataset {response.Id} belongs to another tenant: contributors append records, only the owner computes and decrypts statistics.");
            }

            var stored = (await context.KeyStore.ListAsync(cancellationToken)).FirstOrDefault(k => k.Subject == "dataset" && k.SubjectId == response.Id && k.ServerKeySetId == response.KeySetId)
                ?? throw new CliException($"The key set bound to dataset {response.Id} ({response.KeySetId ?? "none"}) is not in {context.KeyStore.Directory}.");
            using var keys = await context.KeyStore.UnlockAsync(stored, context.Passphrase(), cancellationToken);
            var request = new StatisticsRequest(EncryptedFinish: parse.GetValue(finish), NoiseFlooding: parse.GetValue(flooding));
            var job = await client.RequestStatisticsAsync(response.Id, request, cancellationToken);
            job = await context.Output.WithProgressAsync("Computing statistics under encryption", report =>
                client.WaitForJobAsync(job.Id, new Progress<JobResponse>(j => report(j.Progress, j.ProgressMessage ?? j.State.ToString())), cancellationToken));
            var result = await StatisticsResults.DecryptAsync(client, job, response, keys, cancellationToken);
            if (privacy is null)
            {
                context.Output.Result(result, console => Print(console, result));
                return 0;
            }

            var release = privacy.Release(result, response);
            context.Output.Result(new { ExactNotForRelease = result, Release = release }, console =>
            {
                Print(console, result);
                console.MarkupLine("[yellow]The statistics above are exact decryptions: NOT for release.[/]");
                PrintRelease(console, release);
            });
            return 0;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, DatasetStatistics result)
    {
        var statistics = result.Statistics;
        console.MarkupLine($"dataset {Markup.Escape(result.DatasetId)}, job {Markup.Escape(result.JobId)}: {result.Records} records in {result.Batches} batch(es); decrypted count {F(statistics.Count)}");
        if (result.NoiseFloodingBits > 0)
        {
            console.MarkupLine($"every result was noise-flooded with {result.NoiseFloodingBits} bits of noise by the server");
        }

        var table = new Table().AddColumns("feature", "mean", "std", "variance");
        if (result.EncryptedFinish is not null)
        {
            table.AddColumns("mean (encrypted finish)", "std (encrypted finish)", "variance (encrypted finish)");
        }

        for (var i = 0; i < statistics.Features.Count; i++)
        {
            string[] row = [Markup.Escape(statistics.Features[i]), F(statistics.Means[i]), F(statistics.StandardDeviations[i]), F(statistics.Variances[i])];
            if (result.EncryptedFinish is { } finished)
            {
                row = [.. row, F(finished.Means[i]), F(finished.StandardDeviations[i]), F(finished.Variances[i])];
            }

            table.AddRow(row);
        }

        console.Write(table);
        var correlation = new Table().AddColumn("correlation");
        foreach (var name in statistics.Features)
        {
            correlation.AddColumn(Markup.Escape(name));
        }

        for (var i = 0; i < statistics.Features.Count; i++)
        {
            correlation.AddRow([Markup.Escape(statistics.Features[i]), .. statistics.Correlation[i].Select(F)]);
        }

        console.Write(correlation);
        if (statistics.Groups.Count > 0)
        {
            PrintGroups(console, statistics);
        }
    }

    private static void PrintGroups(IAnsiConsole console, CohortStatisticsResult statistics)
    {
        var groups = new Table().AddColumns("group / bin", "count", "fraction");
        foreach (var name in statistics.Features)
        {
            groups.AddColumn("mean " + Markup.Escape(name));
        }

        var withVariances = statistics.Groups.All(g => g.Variances is not null);
        if (withVariances)
        {
            foreach (var name in statistics.Features)
            {
                groups.AddColumn("variance " + Markup.Escape(name));
            }
        }

        foreach (var g in statistics.Groups)
        {
            string[] row = [Markup.Escape(g.Name), F(g.Count), g.Fraction.ToString("P1", CultureInfo.InvariantCulture), .. g.Means.Select(F)];
            groups.AddRow(withVariances ? [.. row, .. g.Variances!.Select(F)] : row);
        }

        console.Write(groups);

        // With one-hot bins the counts are a histogram; with group-by categories the chart shows the group sizes.
        var chart = new BarChart().Label("records per indicator (histogram of one-hot bins)").Width(60);
        foreach (var g in statistics.Groups)
        {
            chart.AddItem(Markup.Escape(g.Name), Math.Max(0, Math.Round(g.Count, 2)), Color.SteelBlue);
        }

        console.Write(chart);
    }

    private static void PrintRelease(IAnsiConsole console, PrivateStatistics release)
    {
        console.MarkupLine(
            $"Differentially private release ({release.Mechanism.ToString().ToLowerInvariant()}, bounded DP, n = {release.Records} public): "
            + $"total ε = {F(release.TotalEpsilon)}, δ = {F(release.TotalDelta)}, split over {release.Values.Count} values");
        var table = new Table().AddColumns("statistic", "feature", "released", "ε", "δ", "sensitivity", "noise scale", "grid", "clamp");
        foreach (var value in release.Values)
        {
            var r = value.Release;
            table.AddRow(value.Statistic, Markup.Escape(value.Feature), F(r.Value), F(r.Epsilon), F(r.Delta), F(r.Sensitivity), F(r.NoiseScale), F(r.Granularity), $"[{F(r.Lower)}, {F(r.Upper)}]");
        }

        console.Write(table);
        if (release.Seeded)
        {
            console.MarkupLine("[red]Seeded noise (--dp-seed): reproducible for demos, no privacy. Never publish these values.[/]");
        }
    }

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
