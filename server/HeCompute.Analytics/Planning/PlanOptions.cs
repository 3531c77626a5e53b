namespace HeCompute.Analytics.Planning;

/// <summary>What a model plan must achieve.</summary>
/// <param name="PrecisionBits">
/// Bits of absolute precision the outputs need: the CKKS noise bound of an output stays below 2^−bits (polynomial
/// approximation errors come on top and are reported separately). 1 to 50.
/// </param>
/// <param name="NoiseFlooding">
/// Whether results will be flooded before they are returned (<see cref="Privacy.NoiseFlooding"/>): the scale gets the
/// extra bits the flooding error needs so the target precision still holds after it.
/// </param>
/// <param name="WidenIntervals">
/// What to do with an activation whose declared interval does not contain the inputs propagated to it from the declared
/// input bounds: false refuses the model (<see cref="ActivationIntervalException"/>); true fits its polynomial on the
/// smallest interval containing both and lists the change in <see cref="Contracts.PlanDocument.WidenedIntervals"/>.
/// </param>
/// <param name="KeyPreset">
/// The key/latency trade-off among the rotation layouts (<see cref="Contracts.KeyPresets"/>): the fewest Galois-key
/// bytes, the fewest within <see cref="ModelPlanner.BalancedLatencyFactor"/> × the fastest estimate (default), or the
/// fastest, each among the layouts below SEAL's default Galois set whenever one is.
/// </param>
/// <param name="KeyBudgetBytes">At most this many bytes of Galois keys: the fastest layout within it (the preset is then not used); null for none.</param>
public sealed record PlanOptions(
    int PrecisionBits = 20,
    bool NoiseFlooding = false,
    bool WidenIntervals = false,
    string KeyPreset = Contracts.KeyPresets.Balanced,
    long? KeyBudgetBytes = null)
{
    /// <summary>Checks the preset is known and the budget positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Either is not.</exception>
    public void CheckKeys()
    {
        if (!Contracts.KeyPresets.All.Contains(KeyPreset))
        {
            throw new ArgumentOutOfRangeException(nameof(KeyPreset), KeyPreset, $"The key preset is one of {string.Join(", ", Contracts.KeyPresets.All)}.");
        }

        if (KeyBudgetBytes is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(KeyBudgetBytes), KeyBudgetBytes, "The key budget is a positive number of bytes.");
        }
    }
}
