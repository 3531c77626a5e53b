using System.Text.Json;
using System.Text.Json.Serialization;
using HeCompute.Protocol.Packing;

namespace HeCompute.Protocol.Models;

/// <summary>
/// HeCompute's own versioned JSON model format. A document names the model <see cref="Kind"/>, its input schema (ordered
/// feature names, declared bounds and the standardisation the client applies before encrypting) and its layers.
/// </summary>
/// <remarks>
/// Version 1 layers: <c>dense</c> (weights[output][input], bias[output]) and <c>activation</c> (function
/// <c>sigmoid</c>, <c>smooth-relu</c> or <c>square</c>, with the interval [lower, upper] the inputs are declared to
/// stay in and the Chebyshev degree). Kinds: <c>linear-regression</c>, <c>logistic-regression</c> (one dense output:
/// the logit; an optional trailing sigmoid gives the probability), <c>multinomial-logistic</c> (one logit per class,
/// softmax on the client), <c>linear-svm</c> (the margin; the client takes the sign), <c>mlp</c> and <c>cnn</c>.
/// A <c>cnn</c> declares <see cref="InputSchema.Shape"/> [channels, height, width] (features are the pixels in C-H-W
/// row-major order) and may use the image layers <c>conv2d</c>, <c>avgpool</c> and <c>flatten</c> (ONNX semantics).
/// </remarks>
public sealed record ModelDocument
{
    /// <summary>The format tag every document carries.</summary>
    public const string FormatName = "hecompute-model";

    /// <summary>The only version this code reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>
    /// Largest magnitude of any real-valued field. Far above any weight or feature a 60-bit CKKS prime can carry, yet
    /// small enough that the planner's products of weights, bounds and widths stay finite.
    /// </summary>
    public const double MaxMagnitude = 1e12;

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>The format version (1).</summary>
    public int FormatVersion { get; init; } = CurrentVersion;

    /// <summary>linear-regression, logistic-regression, multinomial-logistic, linear-svm, mlp or cnn.</summary>
    public required string Kind { get; init; }

    /// <summary>The input schema.</summary>
    public required InputSchema Input { get; init; }

    /// <summary>The layers, applied in order.</summary>
    public required IReadOnlyList<LayerDocument> Layers { get; init; }

    /// <summary>Names of the outputs (class names, or the target's name), optional.</summary>
    public IReadOnlyList<string>? Outputs { get; init; }

    /// <summary>Reads and validates a document.</summary>
    /// <exception cref="ModelFormatException">The JSON is not a valid version-1 document.</exception>
    public static ModelDocument Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ModelDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<ModelDocument>(json, Options);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"The model is not valid JSON for the {FormatName} format: {e.Message}", e);
        }

        if (document is null)
        {
            throw new ModelFormatException("The model document is empty.");
        }

        document.Validate();
        return document;
    }

    /// <summary>The document as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>The document as a JSON element (the body of a model registration).</summary>
    public JsonElement ToJsonElement() => JsonSerializer.SerializeToElement(this, Options);

    /// <summary>Checks the format tag, version, kind and every dimension.</summary>
    /// <exception cref="ModelFormatException">With the first problem found.</exception>
    public void Validate()
    {
        if (Format != FormatName)
        {
            throw new ModelFormatException($"The format is '{Format}', not '{FormatName}'.");
        }

        if (FormatVersion != CurrentVersion)
        {
            throw new ModelFormatException($"Format version {FormatVersion} is not supported; this code reads version {CurrentVersion}.");
        }

        if (Input?.Features is not { Count: > 0 })
        {
            throw new ModelFormatException("The input schema lists no features.");
        }

        var features = Input.Features.Count;
        CheckLength(Input.Lower, features, "input.lower");
        CheckLength(Input.Upper, features, "input.upper");
        CheckLength(Input.Mean, features, "input.mean");
        CheckLength(Input.Scale, features, "input.scale");
        // Dividing by a scale below 1/MaxMagnitude could take a bounded feature past MaxMagnitude.
        if (Input.Scale is { } scale && scale.Any(s => !(s >= 1 / MaxMagnitude)))
        {
            throw new ModelFormatException($"input.scale must be finite and at least {1 / MaxMagnitude:G}.");
        }

        if (Layers is not { Count: > 0 })
        {
            throw new ModelFormatException("The model has no layers.");
        }

        IReadOnlyList<int> shape = [features];
        if (Input.Shape is { } declared)
        {
            if (declared.Count != 3 || declared.Any(n => n < 1 || n > LayerDocument.MaxTensorElements) || declared.Aggregate(1L, (p, n) => p * n) != features)
            {
                throw new ModelFormatException($"input.shape must be [channels, height, width] with a product equal to the {features} features.");
            }

            shape = declared;
        }
        else if (Kind == ModelKinds.Cnn)
        {
            throw new ModelFormatException("A cnn declares input.shape [channels, height, width].");
        }

        for (var i = 0; i < Layers.Count; i++)
        {
            if (Kind != ModelKinds.Cnn && Layers[i]?.Type is LayerTypes.Conv2d or LayerTypes.AvgPool or LayerTypes.Flatten)
            {
                throw new ModelFormatException($"Layer {i} ({Layers[i].Type}) needs model kind '{ModelKinds.Cnn}'.");
            }

            shape = Layers[i]?.Validate(i, shape) ?? throw new ModelFormatException($"Layer {i} is null.");
        }

        if (shape.Count != 1)
        {
            throw new ModelFormatException($"The last layer gives a [{string.Join(", ", shape)}] tensor; the outputs must be flat (add flatten or dense).");
        }

        var width = shape[0];

        if (Outputs is { } outputs && outputs.Count != width)
        {
            throw new ModelFormatException($"{outputs.Count} output names for {width} outputs.");
        }

        var expectedOutputs = Kind switch
        {
            ModelKinds.LinearRegression or ModelKinds.LinearSvm or ModelKinds.LogisticRegression => 1,
            ModelKinds.MultinomialLogistic => width,
            ModelKinds.Mlp or ModelKinds.Cnn => width,
            _ => throw new ModelFormatException($"Unknown model kind '{Kind}'."),
        };
        if (width != expectedOutputs)
        {
            throw new ModelFormatException($"A {Kind} model has {expectedOutputs} output(s); the layers give {width}.");
        }
    }

    private static void CheckLength(IReadOnlyList<double>? values, int count, string name)
    {
        if (values is not null && values.Count != count)
        {
            throw new ModelFormatException($"{name} has {values.Count} entries for {count} features.");
        }

        FieldChecks.Reals(values, name);
    }
}

/// <summary>The model kinds of format version 1.</summary>
public static class ModelKinds
{
    /// <summary>Linear regression: one dense output.</summary>
    public const string LinearRegression = "linear-regression";

    /// <summary>Binary logistic regression: the logit, optionally followed by a sigmoid approximation.</summary>
    public const string LogisticRegression = "logistic-regression";

    /// <summary>Multinomial logistic regression: one logit per class (softmax on the client).</summary>
    public const string MultinomialLogistic = "multinomial-logistic";

    /// <summary>Linear SVM: the margin (the client takes the sign).</summary>
    public const string LinearSvm = "linear-svm";

    /// <summary>Multilayer perceptron with polynomial activations.</summary>
    public const string Mlp = "mlp";

    /// <summary>Convolutional network for images: conv2d, avgpool, flatten, dense and activation layers.</summary>
    public const string Cnn = "cnn";
}

/// <summary>The input schema: ordered features, declared bounds and the standardisation the client applies.</summary>
public sealed record InputSchema
{
    /// <summary>Feature names in packing order (slot t of each block holds feature t).</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Declared lower bounds of the raw features (optional).</summary>
    public IReadOnlyList<double>? Lower { get; init; }

    /// <summary>Declared upper bounds of the raw features (optional).</summary>
    public IReadOnlyList<double>? Upper { get; init; }

    /// <summary>Mean subtracted by the client before encrypting (null: raw features).</summary>
    public IReadOnlyList<double>? Mean { get; init; }

    /// <summary>Scale the client divides by after subtracting the mean (null: 1).</summary>
    public IReadOnlyList<double>? Scale { get; init; }

    /// <summary>For a <c>cnn</c>: [channels, height, width]; the features are the pixels in C-H-W row-major order.</summary>
    public IReadOnlyList<int>? Shape { get; init; }

    /// <summary>(x − mean) / scale for one raw record, as the client standardises it before encrypting (raw if none is declared).</summary>
    /// <exception cref="ArgumentException">The record does not have one value per feature.</exception>
    public double[] Standardize(IReadOnlyList<double> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Count != Features.Count)
        {
            throw new ArgumentException($"The record has {record.Count} values; the schema lists {Features.Count} features.", nameof(record));
        }

        return PlanPacker.Standardize(record, Mean, Scale);
    }
}

/// <summary>A model document that cannot be read or used.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
