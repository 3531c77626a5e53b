namespace HeCompute.Analytics.Onnx;

/// <summary>
/// What an ONNX graph does not say and the encrypted circuit needs (mirrors <c>HeCompute.Contracts.OnnxImportRequest</c>
/// field for field, so a server maps the request 1:1).
/// </summary>
public sealed record OnnxImportOptions
{
    /// <summary>Input feature names in the graph input's order (for a cnn: the pixels in C-H-W order).</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Model kind (null: inferred — conv → cnn, hidden layers → mlp, one output with a trailing Sigmoid → logistic-regression, one output → linear-regression, several → multinomial-logistic).</summary>
    public string? Kind { get; init; }

    /// <summary>Standardisation the client applies before encrypting (null: none).</summary>
    public IReadOnlyList<double>? Mean { get; init; }

    /// <summary>Divisor after subtracting the mean (null: 1).</summary>
    public IReadOnlyList<double>? Scale { get; init; }

    /// <summary>Declared lower bounds of the raw features.</summary>
    public IReadOnlyList<double>? Lower { get; init; }

    /// <summary>Declared upper bounds of the raw features.</summary>
    public IReadOnlyList<double>? Upper { get; init; }

    /// <summary>Interval on which Relu and Sigmoid are approximated: lower end (default −8).</summary>
    public double? ActivationLower { get; init; }

    /// <summary>Upper end (default 8).</summary>
    public double? ActivationUpper { get; init; }

    /// <summary>Chebyshev degree of the approximations (default 31).</summary>
    public int? ActivationDegree { get; init; }

    /// <summary>Output names (class names).</summary>
    public IReadOnlyList<string>? Outputs { get; init; }

    /// <summary>[channels, height, width] of an image input (null: taken from the graph input's [N, C, H, W] dimensions).</summary>
    public IReadOnlyList<int>? InputShape { get; init; }
}
