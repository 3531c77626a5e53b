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
public sealed record PlanOptions(int PrecisionBits = 20, bool NoiseFlooding = false, bool WidenIntervals = false);
