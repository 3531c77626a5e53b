using System.Globalization;

namespace HeCompute.Protocol.Models;

/// <summary>
/// One layer: <c>dense</c>, <c>activation</c>, or for a <c>cnn</c> the image layers <c>conv2d</c>, <c>avgpool</c> and
/// <c>flatten</c> (ONNX Conv, AveragePool and Flatten semantics on [channels, height, width] tensors).
/// </summary>
public sealed record LayerDocument
{
    /// <summary>Largest tensor (in values) a layer may produce or a kernel may hold, so a document cannot ask for unbounded memory.</summary>
    public const int MaxTensorElements = 1 << 16;

    /// <summary>Largest smooth-relu sharpness: beyond it x·σ(k·x) is a ReLU kink no Chebyshev degree here approximates.</summary>
    public const double MaxSharpness = 1000;

    /// <summary>One of <see cref="LayerTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>Dense: weights[output][input].</summary>
    public IReadOnlyList<IReadOnlyList<double>>? Weights { get; init; }

    /// <summary>Dense: bias[output]; conv2d: bias[output channel] (optional, zero if absent).</summary>
    public IReadOnlyList<double>? Bias { get; init; }

    /// <summary>Activation: sigmoid, smooth-relu or square.</summary>
    public string? Function { get; init; }

    /// <summary>Activation: the declared lower end of the interval its inputs stay in.</summary>
    public double? Lower { get; init; }

    /// <summary>Activation: the declared upper end of the interval its inputs stay in.</summary>
    public double? Upper { get; init; }

    /// <summary>Activation: the Chebyshev degree (default 31).</summary>
    public int? Degree { get; init; }

    /// <summary>Activation smooth-relu: the sharpness k of x·σ(k·x) (default 1).</summary>
    public double? Sharpness { get; init; }

    /// <summary>conv2d: [output channels, input channels, kernel height, kernel width].</summary>
    public IReadOnlyList<int>? KernelShape { get; init; }

    /// <summary>conv2d: the kernel flattened row-major over <see cref="KernelShape"/>; avgpool: [height, width] of the window.</summary>
    public IReadOnlyList<double>? Kernel { get; init; }

    /// <summary>conv2d and avgpool: [vertical, horizontal] stride (conv2d default 1, avgpool default the window).</summary>
    public IReadOnlyList<int>? Stride { get; init; }

    /// <summary>conv2d: [vertical, horizontal] zero padding added on both sides (default 0); avgpool: none.</summary>
    public IReadOnlyList<int>? Padding { get; init; }

    /// <summary>Checks the layer against its input shape ([n] flat, or [c, h, w]) and returns its output shape.</summary>
    internal IReadOnlyList<int> Validate(int index, IReadOnlyList<int> input)
    {
        CheckNumbers(index);
        switch (Type)
        {
            case LayerTypes.Dense:
                return [ValidateDense(index, Flat(index, input))];
            case LayerTypes.Activation:
                ValidateActivation(index);
                return input;
            case LayerTypes.Flatten:
                return [input.Aggregate(1, (p, n) => p * n)];
            case LayerTypes.Conv2d:
                return ValidateConvolution(index, Image(index, input));
            case LayerTypes.AvgPool:
                return ValidatePooling(index, Image(index, input));
            default:
                throw new ModelFormatException($"Layer {index}: unsupported layer type '{Type}' (dense, activation, conv2d, avgpool, flatten).");
        }
    }

    /// <summary>The (height, width) pair of a two-value list, or the default when absent.</summary>
    internal static (int Vertical, int Horizontal) Pair(IReadOnlyList<int>? values, (int, int) fallback) =>
        values is null ? fallback : (values[0], values[1]);

    // Every real-valued field, whatever the layer type reads, so no document that parses holds a number it cannot write back.
    private void CheckNumbers(int index)
    {
        var prefix = $"layers[{index}]";
        if (Weights is not null)
        {
            for (var r = 0; r < Weights.Count; r++)
            {
                FieldChecks.Reals(Weights[r], $"{prefix}.weights[{r}]");
            }
        }

        FieldChecks.Reals(Bias, $"{prefix}.bias");
        FieldChecks.Reals(Kernel, $"{prefix}.kernel");
        if (Lower is { } lower)
        {
            FieldChecks.Real(lower, $"{prefix}.lower");
        }

        if (Upper is { } upper)
        {
            FieldChecks.Real(upper, $"{prefix}.upper");
        }

        if (Sharpness is { } k && !(k > 0 && k <= MaxSharpness))
        {
            throw new ModelFormatException($"{prefix}.sharpness is {k.ToString("R", CultureInfo.InvariantCulture)}; it must be in (0, {MaxSharpness}].");
        }
    }

    private int Flat(int index, IReadOnlyList<int> input) =>
        input.Count == 1 ? input[0] : throw new ModelFormatException($"Layer {index} ({Type}) needs a flat input; it gets [{string.Join(", ", input)}] (add a flatten layer).");

    private (int C, int H, int W) Image(int index, IReadOnlyList<int> input) =>
        input.Count == 3 ? (input[0], input[1], input[2]) : throw new ModelFormatException($"Layer {index} ({Type}) needs a [channels, height, width] input; it gets [{string.Join(", ", input)}].");

    private int ValidateDense(int index, int inputWidth)
    {
        if (Weights is not { Count: > 0 })
        {
            throw new ModelFormatException($"Layer {index} (dense) has no weights.");
        }

        if ((long)Weights.Count * inputWidth > MaxTensorElements * 16L)
        {
            throw new ModelFormatException($"Layer {index} (dense): {Weights.Count} × {inputWidth} weights exceed the limit of {MaxTensorElements * 16}.");
        }

        for (var r = 0; r < Weights.Count; r++)
        {
            if (Weights[r] is not { } row || row.Count != inputWidth)
            {
                throw new ModelFormatException($"Layer {index} (dense): every weight row needs {inputWidth} finite values.");
            }

        }

        if (Bias is not null && Bias.Count != Weights.Count)
        {
            throw new ModelFormatException($"Layer {index} (dense): bias needs {Weights.Count} finite values.");
        }

        return Weights.Count;
    }

    private void ValidateActivation(int index)
    {
        if (Function is not ("sigmoid" or "smooth-relu" or "square"))
        {
            throw new ModelFormatException($"Layer {index}: unsupported activation '{Function}' (sigmoid, smooth-relu, square).");
        }

        if (Function != "square" && (Lower is not { } lo || Upper is not { } hi || !(lo < hi)))
        {
            throw new ModelFormatException($"Layer {index} ({Function}) needs a declared finite interval lower < upper.");
        }

        if (Degree is { } degree && degree is < 1 or > 255)
        {
            throw new ModelFormatException($"Layer {index} ({Function}): degree {degree} is outside 1 … 255.");
        }
    }

    private IReadOnlyList<int> ValidateConvolution(int index, (int C, int H, int W) input)
    {
        // Each entry is capped before the product, so the product cannot wrap around to something small.
        if (KernelShape is not { Count: 4 } shape || shape.Any(n => n < 1 || n > MaxTensorElements))
        {
            throw new ModelFormatException($"Layer {index} (conv2d): kernelShape must be [output channels, input channels, height, width], each in 1 … {MaxTensorElements}.");
        }

        var (outC, inC, kh, kw) = (shape[0], shape[1], shape[2], shape[3]);
        if (inC != input.C)
        {
            throw new ModelFormatException($"Layer {index} (conv2d): the kernel takes {inC} input channels; the input has {input.C}.");
        }

        var count = (long)outC * inC * kh * kw;
        if (count > MaxTensorElements)
        {
            throw new ModelFormatException($"Layer {index} (conv2d): {count} kernel values exceed the limit of {MaxTensorElements}.");
        }

        if (Kernel is null || Kernel.Count != count)
        {
            throw new ModelFormatException($"Layer {index} (conv2d): kernel needs {count} finite values (row-major over kernelShape).");
        }

        if (Bias is not null && Bias.Count != outC)
        {
            throw new ModelFormatException($"Layer {index} (conv2d): bias needs {outC} finite values.");
        }

        CheckPair(index, Stride, "stride", 1);
        CheckPair(index, Padding, "padding", 0);
        var (sh, sw) = Pair(Stride, (1, 1));
        var (ph, pw) = Pair(Padding, (0, 0));
        if (ph >= kh || pw >= kw)
        {
            throw new ModelFormatException($"Layer {index} (conv2d): padding [{ph}, {pw}] must be smaller than the kernel [{kh}, {kw}].");
        }

        return Output(index, outC, input.H + (2 * ph), input.W + (2 * pw), kh, kw, sh, sw);
    }

    private IReadOnlyList<int> ValidatePooling(int index, (int C, int H, int W) input)
    {
        if (Kernel is not { Count: 2 } window || window.Any(v => !(v >= 1 && v <= MaxTensorElements && v == Math.Floor(v))))
        {
            throw new ModelFormatException($"Layer {index} (avgpool): kernel must be [height, width], two positive integers.");
        }

        CheckPair(index, Stride, "stride", 1);
        if (Padding is not null && Padding.Any(p => p != 0))
        {
            throw new ModelFormatException($"Layer {index} (avgpool): padding is not supported.");
        }

        var (kh, kw) = ((int)window[0], (int)window[1]);
        var (sh, sw) = Pair(Stride, (kh, kw));
        return Output(index, input.C, input.H, input.W, kh, kw, sh, sw);
    }

    private void CheckPair(int index, IReadOnlyList<int>? values, string name, int minimum)
    {
        if (values is not null && (values.Count != 2 || values.Any(v => v < minimum || v > MaxTensorElements)))
        {
            throw new ModelFormatException($"Layer {index} ({Type}): {name} must be [vertical, horizontal], two integers ≥ {minimum}.");
        }
    }

    private IReadOnlyList<int> Output(int index, int channels, int height, int width, int kh, int kw, int sh, int sw)
    {
        if (height < kh || width < kw)
        {
            throw new ModelFormatException($"Layer {index} ({Type}): the [{kh}, {kw}] window does not fit the {height} × {width} input (padding included).");
        }

        var (oh, ow) = (((height - kh) / sh) + 1, ((width - kw) / sw) + 1);
        if ((long)channels * oh * ow > MaxTensorElements)
        {
            throw new ModelFormatException($"Layer {index} ({Type}): the output [{channels}, {oh}, {ow}] exceeds the limit of {MaxTensorElements} values.");
        }

        return [channels, oh, ow];
    }
}

/// <summary>The layer types of format version 1.</summary>
public static class LayerTypes
{
    /// <summary>y = W·x + b.</summary>
    public const string Dense = "dense";

    /// <summary>An elementwise activation: square, or sigmoid / smooth-relu approximated on a declared interval.</summary>
    public const string Activation = "activation";

    /// <summary>2-D convolution (ONNX Conv, group 1, dilation 1, symmetric zero padding).</summary>
    public const string Conv2d = "conv2d";

    /// <summary>2-D average pooling without padding (ONNX AveragePool).</summary>
    public const string AvgPool = "avgpool";

    /// <summary>[c, h, w] → [c·h·w] row-major (ONNX Flatten with axis 1).</summary>
    public const string Flatten = "flatten";
}
