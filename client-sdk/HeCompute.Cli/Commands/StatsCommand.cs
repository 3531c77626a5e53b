using System.CommandLine;
using System.Globalization;
using HeCompute.Client.Statistics;
using HeCompute.Contracts;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary><c>stats DATASET</c>: request statistics, wait for the job, decrypt, print.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "Dataset id" };
        var flooding = new Option<bool>("--noise-flooding") { Description = "Have the server flood the results with noise (for decryptions that will be shared)" };
        var command = new Command("stats", "Compute a dataset's statistics under encryption and decrypt them here") { dataset, flooding };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var client = context.Client();
            var response = await client.GetDatasetAsync(parse.GetValue(dataset)!, cancellationToken);
            var stored = (await context.KeyStore.ListAsync(cancellationToken)).FirstOrDefault(k => k.Subject == "dataset" && k.SubjectId == response.Id && k.ServerKeySetId == response.KeySetId)
                ?? throw new CliException($"The key set bound to dataset {response.Id} ({response.KeySetId ?? "none"}) is not in {context.KeyStore.Directory}.");
            using var keys = await context.KeyStore.UnlockAsync(stored, context.Passphrase(), cancellationToken);
            var job = await client.RequestStatisticsAsync(response.Id, new StatisticsRequest(NoiseFlooding: parse.GetValue(flooding)), cancellationToken);
            job = await context.Output.WithProgressAsync("Computing statistics under encryption", report =>
                client.WaitForJobAsync(job.Id, new Progress<JobResponse>(j => report(j.Progress, j.ProgressMessage ?? j.State.ToString())), cancellationToken));
            var result = await StatisticsResults.DecryptAsync(client, job, response, keys, cancellationToken);
            context.Output.Result(new { DatasetId = response.Id, JobId = job.Id, Statistics = result }, console => Print(console, result));
            return 0;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, CohortStatisticsResult result)
    {
        console.MarkupLine($"records: {result.Count.ToString("F2", CultureInfo.InvariantCulture)}");
        var table = new Table().AddColumns("feature", "mean", "std", "variance");
        for (var i = 0; i < result.Features.Count; i++)
        {
            table.AddRow(Markup.Escape(result.Features[i]), F(result.Means[i]), F(result.StandardDeviations[i]), F(result.Variances[i]));
        }

        console.Write(table);
        var correlation = new Table().AddColumn("correlation");
        foreach (var name in result.Features)
        {
            correlation.AddColumn(Markup.Escape(name));
        }

        for (var i = 0; i < result.Features.Count; i++)
        {
            correlation.AddRow([Markup.Escape(result.Features[i]), .. result.Correlation[i].Select(F)]);
        }

        console.Write(correlation);
        if (result.Groups.Count > 0)
        {
            var groups = new Table().AddColumns("group", "count");
            foreach (var name in result.Features)
            {
                groups.AddColumn("mean " + Markup.Escape(name));
            }

            foreach (var g in result.Groups)
            {
                groups.AddRow([Markup.Escape(g.Name), F(g.Count), .. g.Means.Select(F)]);
            }

            console.Write(groups);
        }
    }

    private static string F(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
