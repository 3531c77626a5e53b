namespace HeCompute.Analytics.Polynomials;

/// <summary>What the simulator predicts for a polynomial or approximation evaluation, without encrypting anything.</summary>
/// <param name="Output">Level and exact scale of the result (the real evaluation produces exactly these).</param>
/// <param name="Depth">Levels consumed: input level − output level.</param>
/// <param name="Multiplications">Ciphertext–ciphertext products (each with a relinearization: the expensive operation).</param>
/// <param name="ConstantMultiplications">Products by plaintext constants.</param>
/// <param name="Rescales">Rescales.</param>
public readonly record struct CircuitSimulation(CiphertextShape Output, int Depth, int Multiplications, int ConstantMultiplications, int Rescales)
{
    internal static CircuitSimulation From(ShapeArithmetic arithmetic, CiphertextShape input, SimulatedCiphertext output) =>
        new(output.Shape, input.Level - output.Level, arithmetic.Multiplications, arithmetic.ConstantMultiplications, arithmetic.Rescales);
}
