using System.Globalization;
using System.Text;
using HeCompute.Server.Compute;
using HeCompute.Server.Jobs;

namespace HeCompute.Testing;

/// <summary>Input of the test jobs: run <see cref="Steps"/> steps of <see cref="DelayMs"/> each.</summary>
public sealed record StepsInput(int Steps, int DelayMs, bool Fail = false);

/// <summary>Output of the test jobs.</summary>
public sealed record StepsOutput(int StartedAtStep, int Attempt);

/// <summary>The test jobs' body: checkpoints after every step, so a resumed run continues where the last stopped.</summary>
public static class StepsJob
{
    public const string ResultName = "result.bin";

    public static async Task<JobOutput> RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var input = context.ReadInput<StepsInput>();
        var start = context.Checkpoint is { } checkpoint ? int.Parse(checkpoint, CultureInfo.InvariantCulture) : 0;
        for (var step = start; step < input.Steps; step++)
        {
            await Task.Delay(input.DelayMs, cancellationToken);
            await context.SaveCheckpointAsync((step + 1).ToString(CultureInfo.InvariantCulture), CancellationToken.None);
            await context.ReportProgressAsync((step + 1.0) / input.Steps, $"step {step + 1} of {input.Steps}", CancellationToken.None);
        }

        if (input.Fail)
        {
            throw new JobFailedException("The test job was asked to fail.");
        }

        using var result = new MemoryStream(ResultBytes(context.JobId));
        await context.AddResultAsync(ResultName, result, 1 << 20, cancellationToken);
        return JobOutput.Of(new StepsOutput(start, context.Attempt));
    }

    public static byte[] ResultBytes(string jobId) => Encoding.UTF8.GetBytes($"encrypted result of {jobId}");
}

/// <summary>A resumable test job kind.</summary>
public sealed class ResumableStepsHandler : IJobHandler
{
    public static string Kind => "test-steps";

    public static bool Resumable => true;

    public Task<JobOutput> ExecuteAsync(JobContext context, CancellationToken cancellationToken) => StepsJob.RunAsync(context, cancellationToken);
}

/// <summary>A test job kind that cannot be resumed.</summary>
public sealed class OneShotStepsHandler : IJobHandler
{
    public static string Kind => "test-steps-once";

    public static bool Resumable => false;

    public Task<JobOutput> ExecuteAsync(JobContext context, CancellationToken cancellationToken) => StepsJob.RunAsync(context, cancellationToken);
}

/// <summary>A test job kind whose one step is a computation on the compute scheduler.</summary>
public sealed class ComputeStepHandler(IComputeScheduler compute) : IJobHandler
{
    public static string Kind => "test-compute";

    public static bool Resumable => true;

    public async Task<JobOutput> ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var attempt = await compute.RunAsync(new ComputeRequest(Kind), _ => context.Attempt, cancellationToken);
        return JobOutput.Of(new StepsOutput(0, attempt));
    }
}
