using HeCompute.Contracts;

namespace HeCompute.Server.Datasets;

/// <summary>The stored input of a <c>statistics</c> job.</summary>
/// <param name="DatasetId">The dataset (owned by the job's tenant).</param>
/// <param name="KeySetId">The key set bound when the job was submitted.</param>
/// <param name="BatchIds">The batches to aggregate: those appended before the job was submitted.</param>
/// <param name="EncryptedFinish">Also finish means, variances and standard deviations under encryption.</param>
/// <param name="NoiseFlooding">Flood every result with the plan's σ.</param>
public sealed record StatisticsJobInput(
    string DatasetId, string KeySetId, IReadOnlyList<string> BatchIds, bool EncryptedFinish = false, bool NoiseFlooding = false)
{
    /// <summary>The job kind.</summary>
    public const string Kind = StatisticsProtocol.JobKind;
}
