using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Models;

/// <summary>
/// The linear layers of a model as sparse matrices on flattened C-H-W vectors: a convolution or an average pooling is
/// linear in its input, so it becomes one row per output value with the kernel's (or window's) entries, and a dense
/// layer its weights. Row and column orders are C-H-W row-major (ONNX's layout).
/// </summary>
public static class LayerMatrices
{
    /// <summary>The matrix and bias of a validated conv2d layer on an input of shape [c, h, w] (ONNX Conv, symmetric zero padding).</summary>
    public static (SparseMatrix Matrix, double[] Bias, int[] Shape) Convolution(LayerDocument layer, IReadOnlyList<int> input)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        var shape = layer.KernelShape!;
        var (outC, inC, kh, kw) = (shape[0], shape[1], shape[2], shape[3]);
        var (h, w) = (input[1], input[2]);
        var (sh, sw) = LayerDocument.Pair(layer.Stride, (1, 1));
        var (ph, pw) = LayerDocument.Pair(layer.Padding, (0, 0));
        var oh = ((h + (2 * ph) - kh) / sh) + 1;
        var ow = ((w + (2 * pw) - kw) / sw) + 1;
        var kernel = layer.Kernel!;
        var rows = new IReadOnlyList<(int, double)>[outC * oh * ow];
        for (var o = 0; o < outC; o++)
        {
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++)
                {
                    var entries = new List<(int, double)>(inC * kh * kw);
                    for (var c = 0; c < inC; c++)
                    {
                        for (var ky = 0; ky < kh; ky++)
                        {
                            // Taps that fall on the zero padding contribute nothing and get no entry.
                            var iy = (y * sh) + ky - ph;
                            if (iy < 0 || iy >= h)
                            {
                                continue;
                            }

                            for (var kx = 0; kx < kw; kx++)
                            {
                                var ix = (x * sw) + kx - pw;
                                if (ix >= 0 && ix < w)
                                {
                                    entries.Add((((c * h) + iy) * w + ix, kernel[(((o * inC) + c) * kh + ky) * kw + kx]));
                                }
                            }
                        }
                    }

                    rows[((o * oh) + y) * ow + x] = entries;
                }
            }
        }

        var bias = new double[rows.Length];
        if (layer.Bias is { } channelBias)
        {
            for (var i = 0; i < bias.Length; i++)
            {
                bias[i] = channelBias[i / (oh * ow)];
            }
        }

        return (new SparseMatrix(inC * h * w, rows), bias, [outC, oh, ow]);
    }

    /// <summary>The matrix of a validated avgpool layer on an input of shape [c, h, w] (each output averages its window).</summary>
    public static (SparseMatrix Matrix, int[] Shape) AveragePooling(LayerDocument layer, IReadOnlyList<int> input)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(input);
        var (kh, kw) = ((int)layer.Kernel![0], (int)layer.Kernel[1]);
        var (sh, sw) = LayerDocument.Pair(layer.Stride, (kh, kw));
        var (channels, h, w) = (input[0], input[1], input[2]);
        var oh = ((h - kh) / sh) + 1;
        var ow = ((w - kw) / sw) + 1;
        var weight = 1.0 / (kh * kw);
        var rows = new IReadOnlyList<(int, double)>[channels * oh * ow];
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++)
                {
                    var entries = new List<(int, double)>(kh * kw);
                    for (var ky = 0; ky < kh; ky++)
                    {
                        for (var kx = 0; kx < kw; kx++)
                        {
                            entries.Add((((c * h) + (y * sh) + ky) * w + (x * sw) + kx, weight));
                        }
                    }

                    rows[((c * oh) + y) * ow + x] = entries;
                }
            }
        }

        return (new SparseMatrix(channels * h * w, rows), [channels, oh, ow]);
    }

    /// <summary>The matrix and bias of a validated dense layer.</summary>
    public static (SparseMatrix Matrix, double[] Bias) Dense(LayerDocument layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var weights = layer.Weights!;
        return (SparseMatrix.FromDense(weights), layer.Bias?.ToArray() ?? new double[weights.Count]);
    }
}
