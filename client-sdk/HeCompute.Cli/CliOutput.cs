using System.Text.Json;
using HeCompute.Contracts;
using Spectre.Console;

namespace HeCompute.Cli;

/// <summary>
/// Human output (Spectre tables on stdout, progress on stderr) or, with --json, exactly one JSON document on stdout
/// with the API's conventions and nothing else.
/// </summary>
internal sealed class CliOutput(bool json)
{
    // NaN stands for undefined statistics (an empty group's mean, a constant feature's correlation); Python's json reads it.
    private static readonly JsonSerializerOptions Indented = new(HeComputeJson.Options)
    {
        WriteIndented = true,
        NumberHandling = HeComputeJson.Options.NumberHandling | System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The console for progress, prompts and diagnostics: stderr, so stdout stays clean for data.</summary>
    public static IAnsiConsole Error { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public bool Json { get; } = json;

    public static IAnsiConsole Out => AnsiConsole.Console;

    /// <summary>Writes the command's result: as JSON with --json, else through <paramref name="human"/>.</summary>
    public void Result<T>(T value, Action<IAnsiConsole> human)
    {
        if (Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));
        }
        else
        {
            human(Out);
        }
    }

    /// <summary>A warning on stderr, also with --json (stdout keeps its one JSON document).</summary>
    public static void Warning(string text) => Error.MarkupLine($"[yellow]warning:[/] {Markup.Escape(text)}");

    /// <summary>A line of information for humans (stderr; suppressed with --json).</summary>
    public void Note(string markup)
    {
        if (!Json)
        {
            Error.MarkupLine(markup);
        }
    }

    /// <summary>Runs <paramref name="work"/> under a progress display on stderr (none with --json).</summary>
    public async Task<T> WithProgressAsync<T>(string description, Func<Action<double, string?>, Task<T>> work)
    {
        if (Json || Console.IsErrorRedirected)
        {
            return await work((_, _) => { });
        }

        T result = default!;
        await Error.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape(description), maxValue: 1.0);
                result = await work((fraction, message) =>
                {
                    task.Value = Math.Clamp(fraction, 0, 1);
                    if (message is not null)
                    {
                        task.Description = Markup.Escape($"{description}: {message}");
                    }
                });
                task.Value = 1.0;
            });
        return result;
    }

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes / (1024.0 * 1024):F1} MiB",
    };
}
