using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Analytics.Models;

/// <summary>
/// A compiled model's packing as a plan states it (<see cref="PlanInput"/>), and packing through the SDK's
/// <see cref="PlanPacker"/>, so that the planner, the tests and the bench lay records out exactly as clients do.
/// </summary>
public static class EncryptedModelPacking
{
    /// <summary>The plan's input for <paramref name="model"/>: its document's features, standardisation and bounds, and the model's layout.</summary>
    public static PlanInput PlanInput(this IEncryptedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var input = model.Document.Input;
        return new PlanInput(
            [.. input.Features],
            input.Mean is null ? null : [.. input.Mean],
            input.Scale is null ? null : [.. input.Scale],
            input.Lower is null ? null : [.. input.Lower],
            input.Upper is null ? null : [.. input.Upper],
            model.RecordsPerCiphertext,
            model.RecordStride,
            [.. model.FeatureOffsets],
            model.ReplicationPeriod,
            model.Copies);
    }

    /// <summary>
    /// The packer of <paramref name="model"/>'s layout. The declared bounds are left out: they are the client's promise
    /// to the planner, and the server side packs test and bench records (some outside the training range) as given.
    /// </summary>
    public static PlanPacker Packer(this IEncryptedModel model) =>
        new(model.PlanInput() with { Lower = null, Upper = null }, model.OutputOffsets, model.SlotCount);

    /// <summary>Slot values of one input ciphertext for up to <see cref="IEncryptedModel.RecordsPerCiphertext"/> raw records.</summary>
    public static double[] Pack(this IEncryptedModel model, IReadOnlyList<IReadOnlyList<double>> records) => model.Packer().Pack(records);

    /// <summary>The outputs of the first <paramref name="recordCount"/> records from the decrypted slots: [record][output].</summary>
    public static double[][] Unpack(this IEncryptedModel model, ReadOnlySpan<double> slots, int recordCount) => model.Packer().Unpack(slots, recordCount);
}
