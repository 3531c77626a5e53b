namespace HeCompute.Analytics.Polynomials;

/// <summary>
/// The leveled CKKS operations the polynomial and Newton algorithms are written against, so that one algorithm runs
/// on ciphertexts (<see cref="CiphertextArithmetic"/>) or on shapes only (<see cref="ShapeArithmetic"/>, the
/// simulator) with identical level and scale bookkeeping. Operations never modify their operands.
/// </summary>
/// <typeparam name="T">The value type: a ciphertext or a simulated shape.</typeparam>
internal interface ILeveledArithmetic<T>
    where T : class
{
    EvaluationContext Context { get; }

    int Level(T value);

    double Scale(T value);

    /// <summary>The value at a lower (or the same) level; may return the operand itself.</summary>
    T ModSwitchTo(T value, int level);

    /// <summary>a·b at their common level, relinearized, not rescaled: scale s_a·s_b.</summary>
    T Multiply(T a, T b);

    /// <summary>value × round(constant·plainScale) declared at plainScale, not rescaled: scale s·plainScale.</summary>
    T MultiplyConstant(T value, double constant, double plainScale);

    /// <summary>value + constant (encoded at value's scale).</summary>
    T AddConstant(T value, double constant);

    /// <summary>a + b; the scales must agree up to rounding; the result has a's scale.</summary>
    T Add(T a, T b);

    /// <summary>a − b; the scales must agree up to rounding; the result has a's scale.</summary>
    T Subtract(T a, T b);

    /// <summary>Divides by q_ℓ and drops it: level ℓ − 1, scale s/q_ℓ.</summary>
    T Rescale(T value);

    /// <summary>The same data with another declared scale (reinterpretation: the message is multiplied by old/new).</summary>
    T WithScale(T value, double scale);
}
