namespace HeCompute.Analytics;

/// <summary>
/// What the planner needs to know about a ciphertext without having one: its level (chain index, see
/// <see cref="EvaluationContext"/>) and its exact scale. Blocks that consume levels offer a <c>Simulate</c> method
/// mapping an input shape to the output shape they will produce, computed with the same floating-point operations as
/// the real evaluation, so the simulated scale equals the real one bit for bit.
/// </summary>
/// <param name="Level">The chain index: q_0 … q_Level are the primes left.</param>
/// <param name="Scale">The CKKS scale.</param>
public readonly record struct CiphertextShape(int Level, double Scale);
