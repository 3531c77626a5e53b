using HeCompute.Contracts;

namespace HeCompute.Server.Storage;

/// <summary>How every backend spells a job state in its <c>jobs.state</c> column, and names a job's non-result blob owners.</summary>
internal static class JobStates
{
    /// <summary>Input blobs are owned by the job id plus this suffix, so they are not listed as results.</summary>
    public const string InputOwnerSuffix = "/input";

    /// <summary>Checkpoint blobs are owned by the job id plus this suffix, for the same reason.</summary>
    public const string CheckpointOwnerSuffix = "/checkpoint";

    /// <summary>Partition blobs are owned by the job id plus this suffix (named <c>index/name</c>) until they are promoted to results or dropped.</summary>
    public const string PartitionOwnerSuffix = "/partitions";

    /// <summary>A partition's blob is stored under its index, so partitions may use the same names.</summary>
    public static string PartitionBlobName(int index, string name) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{index}/{name}");

    public static string ToText(JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static JobState Parse(string text) => text switch
    {
        "queued" => JobState.Queued,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "failed" => JobState.Failed,
        "cancelled" => JobState.Cancelled,
        _ => throw new InvalidDataException($"Unknown job state '{text}'."),
    };
}
