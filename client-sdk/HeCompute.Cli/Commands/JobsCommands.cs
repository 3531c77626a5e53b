using System.CommandLine;
using System.Globalization;
using HeCompute.Contracts;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary><c>jobs list|show|cancel</c>.</summary>
internal static class JobsCommands
{
    public static Command Create()
    {
        var jobs = new Command("jobs", "This tenant's jobs");
        var list = new Command("list", "Jobs, newest first");
        CliRunner.SetAction(list, async (context, parse, cancellationToken) =>
        {
            var response = await context.Client().ListJobsAsync(cancellationToken);
            context.Output.Result(response, console => Print(console, response.Items));
            return 0;
        });
        jobs.Add(list);

        var showId = new Argument<string>("id") { Description = "Job id" };
        var show = new Command("show", "A job's state, progress and results") { showId };
        CliRunner.SetAction(show, async (context, parse, cancellationToken) =>
        {
            var job = await context.Client().GetJobAsync(parse.GetValue(showId)!, cancellationToken);
            context.Output.Result(job, console =>
            {
                Print(console, [job]);
                foreach (var result in job.Results)
                {
                    console.MarkupLine($"  result {Markup.Escape(result.Name)}: {CliOutput.Bytes(result.Bytes)} sha256 {result.Sha256}");
                }
            });
            return 0;
        });
        jobs.Add(show);

        var cancelId = new Argument<string>("id") { Description = "Job id" };
        var cancel = new Command("cancel", "Cancel a queued or running job") { cancelId };
        CliRunner.SetAction(cancel, async (context, parse, cancellationToken) =>
        {
            var job = await context.Client().CancelJobAsync(parse.GetValue(cancelId)!, cancellationToken);
            context.Output.Result(job, console => Print(console, [job]));
            return 0;
        });
        jobs.Add(cancel);
        return jobs;
    }

    private static void Print(IAnsiConsole console, IEnumerable<JobResponse> jobs)
    {
        var table = new Table().AddColumns("id", "kind", "state", "progress", "created", "error");
        foreach (var j in jobs)
        {
            table.AddRow(j.Id, j.Kind, j.State.ToString(), j.Progress.ToString("P0", CultureInfo.InvariantCulture), j.CreatedAt.ToString("u", CultureInfo.InvariantCulture), Markup.Escape(j.Error ?? ""));
        }

        console.Write(table);
    }
}
