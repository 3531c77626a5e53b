using System.Text.Json.Nodes;
using HeCompute.Protocol.Models;

namespace HeCompute.Analytics.Tests.Models;

/// <summary>
/// Every numeric field of a model document, set to a non-finite or huge number: parsing refuses it with a
/// <see cref="ModelFormatException"/>, so no parsed document holds a number that <see cref="ModelDocument.ToJson"/> cannot write.
/// </summary>
public sealed class ModelDocumentNumbersTests
{
    private const string Mlp = """
        {"format":"hecompute-model","formatVersion":1,"kind":"mlp",
         "input":{"features":["a","b"],"lower":[-1,-2],"upper":[1,2],"mean":[0.5,0.25],"scale":[2,3]},
         "layers":[
           {"type":"dense","weights":[[1,2],[3,4]],"bias":[0.1,0.2]},
           {"type":"activation","function":"smooth-relu","lower":-4,"upper":4,"degree":15,"sharpness":2},
           {"type":"dense","weights":[[0.5,-0.5]],"bias":[0.3]}]}
        """;

    private const string Cnn = """
        {"format":"hecompute-model","formatVersion":1,"kind":"cnn",
         "input":{"features":["p0","p1","p2","p3","p4","p5","p6","p7","p8"],"shape":[1,3,3]},
         "layers":[
           {"type":"conv2d","kernelShape":[1,1,2,2],"kernel":[1,0,0,1],"bias":[0.5],"stride":[1,1],"padding":[1,1]},
           {"type":"avgpool","kernel":[2,2],"stride":[2,2]},
           {"type":"flatten"},
           {"type":"activation","function":"square"},
           {"type":"dense","weights":[[1,1,1,1]],"bias":[0]}]}
        """;

    // Non-finite once parsed, finite but beyond any range, and out of range for an integer field.
    private static readonly string[] Hostile = ["1e999", "-1e999", "1e300", "-1e300", "1e13"];

    public static TheoryData<string, string> Documents => new() { { "mlp", Mlp }, { "cnn", Cnn } };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_numeric_field_set_to_a_non_finite_or_huge_number_is_refused(string name, string json)
    {
        var valid = ModelDocument.Parse(json).ToJson();
        Assert.Equal(valid, ModelDocument.Parse(valid).ToJson());

        var paths = Numbers(JsonNode.Parse(json)!).Select(n => n.GetPath()).ToList();
        // The walk reaches the fields the fuzzing found and the ones beside them, so this test cannot pass empty.
        var expected = name == "mlp"
            ? new[] { "$.formatVersion", "$.input.lower[0]", "$.input.scale[1]", "$.layers[0].weights[1][0]", "$.layers[0].bias[1]", "$.layers[1].sharpness", "$.layers[1].degree", "$.layers[1].upper" }
            : new[] { "$.input.shape[2]", "$.layers[0].kernelShape[3]", "$.layers[0].kernel[0]", "$.layers[0].stride[0]", "$.layers[0].padding[1]", "$.layers[1].kernel[1]", "$.layers[4].bias[0]" };
        Assert.All(expected, p => Assert.Contains(p, paths));

        for (var leaf = 0; leaf < paths.Count; leaf++)
        {
            foreach (var number in Hostile)
            {
                var root = JsonNode.Parse(json)!;
                Numbers(root)[leaf].ReplaceWith(Marker);
                var mutated = root.ToJsonString().Replace($"\"{Marker}\"", number, StringComparison.Ordinal);
                Assert.Contains(number, mutated, StringComparison.Ordinal);
                var error = Assert.Throws<ModelFormatException>(() => ModelDocument.Parse(mutated));
                Assert.False(string.IsNullOrWhiteSpace(error.Message), $"{paths[leaf]} = {number}");
            }
        }
    }

    [Fact]
    public void An_infinite_sharpness_is_refused_naming_the_field()
    {
        var error = Assert.Throws<ModelFormatException>(() => ModelDocument.Parse(Mlp.Replace("\"sharpness\":2", "\"sharpness\":1e999", StringComparison.Ordinal)));
        Assert.Contains("layers[1].sharpness", error.Message, StringComparison.Ordinal);
        Assert.Contains("Infinity", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"weights\":[[1,2],[3,4]]", "\"weights\":[[1,2],[3,1e999]]", "layers[0].weights[1][1]")]
    [InlineData("\"mean\":[0.5,0.25]", "\"mean\":[0.5,-1e300]", "input.mean[1]")]
    [InlineData("\"lower\":-4", "\"lower\":-1e999", "layers[1].lower")]
    public void A_non_finite_or_huge_real_is_refused_naming_the_field(string original, string hostile, string field)
    {
        var error = Assert.Throws<ModelFormatException>(() => ModelDocument.Parse(Mlp.Replace(original, hostile, StringComparison.Ordinal)));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    // A string no document holds, swapped for the raw number after writing (JsonNode cannot hold 1e999 itself).
    private const string Marker = "hostile-number";

    // The numeric leaves in document order.
    private static List<JsonNode> Numbers(JsonNode root)
    {
        var found = new List<JsonNode>();
        var pending = new Stack<JsonNode>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case JsonObject obj:
                    foreach (var (_, child) in obj.Reverse())
                    {
                        pending.Push(child!);
                    }

                    break;
                case JsonArray array:
                    for (var i = array.Count - 1; i >= 0; i--)
                    {
                        pending.Push(array[i]!);
                    }

                    break;
                case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                    found.Add(value);
                    break;
            }
        }

        return found;
    }
}
