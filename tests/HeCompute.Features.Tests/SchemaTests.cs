using System.Security.Cryptography;
using System.Text;

namespace HeCompute.Features.Tests;

public sealed class SchemaTests
{
    // The identity form (no descriptions) and its SHA-256, computed outside .NET (Python hashlib) and pinned here.
    private const string DemoIdentity =
        "{\"name\":\"demo\",\"version\":2,\"parameters\":{\"a\":\"x\",\"z\":\"1\"},\"features\":[" +
        "{\"name\":\"a.mean\",\"unit\":\"HU\",\"lower\":-1000,\"upper\":3071.5}," +
        "{\"name\":\"b.ratio\",\"unit\":\"1\",\"lower\":null,\"upper\":1}]}";

    private const string DemoFingerprint = "sha256:d05f64412541c18cff5e2b1201eb9efd5ee461c479d7395f6257c244a69699dc";

    private static FeatureSchema Demo(string description = "Mean \"x\"\tof\\ the ROI — µ") => new(
        "demo",
        2,
        [new FeatureDefinition("a.mean", "HU", description, -1000, 3071.5), new FeatureDefinition("b.ratio", "1", "", null, 1)],
        [new("z", "1"), new("a", "x")]);

    [Fact]
    public void Canonical_json_is_exactly_the_documented_form()
    {
        Assert.Equal(
            "{\"name\":\"demo\",\"version\":2,\"parameters\":{\"a\":\"x\",\"z\":\"1\"},\"features\":[" +
            "{\"name\":\"a.mean\",\"unit\":\"HU\",\"lower\":-1000,\"upper\":3071.5,\"description\":\"Mean \\\"x\\\"\\u0009of\\\\ the ROI — µ\"}," +
            "{\"name\":\"b.ratio\",\"unit\":\"1\",\"lower\":null,\"upper\":1,\"description\":\"\"}]}",
            Demo().ToCanonicalJson());
    }

    [Fact]
    public void Fingerprint_is_sha256_of_the_identity_form_and_stable()
    {
        FeatureSchema schema = Demo();
        Assert.Equal(DemoFingerprint, schema.Fingerprint);
        Assert.Equal(DemoFingerprint, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DemoIdentity))));

        // Descriptions are documentation: they change the canonical JSON, not the fingerprint or compatibility.
        FeatureSchema reworded = Demo("Average intensity.");
        Assert.NotEqual(schema, reworded);
        Assert.NotEqual(schema.ToCanonicalJson(), reworded.ToCanonicalJson());
        Assert.Equal(schema.Fingerprint, reworded.Fingerprint);
        reworded.EnsureCompatible(schema);

        // Parameter order given to the constructor does not matter; any other change does.
        var reordered = new FeatureSchema("demo", 2, schema.Features, [new("a", "x"), new("z", "1")]);
        Assert.Equal(schema.Fingerprint, reordered.Fingerprint);
        var changed = new FeatureSchema("demo", 2, schema.Features, [new("a", "x"), new("z", "2")]);
        Assert.NotEqual(schema.Fingerprint, changed.Fingerprint);
    }

    [Fact]
    public void The_default_radiomics_schema_is_pinned()
    {
        // If this fails, the default feature set or a definition changed: bump RadiomicsExtractor.SchemaVersion and
        // update the pinned fingerprint, so models trained on the old vectors refuse the new ones.
        FeatureSchema schema = new RadiomicsExtractor(new RadiomicsOptions()).Schema;
        Assert.Equal(23, schema.Count);
        Assert.Equal(RadiomicsExtractor.SchemaVersion, schema.Version);
        Assert.Equal(PinnedDefaultRadiomicsFingerprint, schema.Fingerprint);
        Assert.Equal(schema.Fingerprint, new RadiomicsExtractor(new RadiomicsOptions()).Schema.Fingerprint);
    }

    private const string PinnedDefaultRadiomicsFingerprint = "sha256:ce3ba13a3c3226987f5b13c466ea207e614cefe022f8bd6f4a55e5caa37cc310";

    public static TheoryData<string> Schemas() =>
    [
        Demo().ToCanonicalJson(),
        new RadiomicsExtractor(new RadiomicsOptions()).Schema.ToCanonicalJson(),
        new RadiomicsExtractor(new RadiomicsOptions { IntensityUnit = "HU", Resegmentation = new IntensityRange(-1000, 400), HistogramBinWidth = 25 }).Schema.ToCanonicalJson(),
        new ImageDownsampler(new DownsampleOptions { Width = 28, Height = 28, Normalization = ImageNormalization.ZScore }).Schema.ToCanonicalJson(),
    ];

    [Theory]
    [MemberData(nameof(Schemas))]
    public void Json_round_trips(string json)
    {
        FeatureSchema schema = FeatureSchema.FromJson(json);
        Assert.Equal(json, schema.ToCanonicalJson());
        FeatureSchema again = FeatureSchema.FromJson(schema.ToJson(indented: true));
        Assert.Equal(schema, again);
        Assert.Equal(schema.Fingerprint, again.Fingerprint);
        Assert.Contains("\n", schema.ToJson(indented: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_members_may_come_in_any_order_and_optional_ones_may_be_absent()
    {
        const string json = """
            { "features": [ { "unit": "HU", "upper": 3071.5, "name": "a.mean", "lower": -1000 },
                            { "name": "b.ratio", "unit": "1", "upper": 1 } ],
              "parameters": { "z": "1", "a": "x" }, "version": 2, "name": "demo" }
            """;
        FeatureSchema schema = FeatureSchema.FromJson(json);
        Assert.Equal(DemoFingerprint, schema.Fingerprint);
        Assert.Equal(DemoIdentity.Length, schema.ToCanonicalJson().Length - 2 * ",\"description\":\"\"".Length);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"name\":\"x\",\"version\":1}")]
    [InlineData("{\"name\":\"x\",\"version\":1.5,\"features\":[{\"name\":\"a\",\"unit\":\"1\"}]}")]
    [InlineData("{\"name\":\"x\",\"version\":0,\"features\":[{\"name\":\"a\",\"unit\":\"1\"}]}")]
    [InlineData("{\"name\":\"x\",\"version\":1,\"features\":[]}")]
    [InlineData("{\"name\":\"x\",\"version\":1,\"features\":[{\"name\":\"a\",\"unit\":\"1\"}],\"extra\":1}")]
    [InlineData("{\"name\":\"x\",\"name\":\"y\",\"version\":1,\"features\":[{\"name\":\"a\",\"unit\":\"1\"}]}")]
    [InlineData("{\"name\":\"x\",\"version\":1,\"features\":[{\"name\":\"a\",\"unit\":\"1\"},{\"name\":\"a\",\"unit\":\"1\"}]}")]
    [InlineData("{\"name\":\"x\",\"version\":1,\"features\":[{\"name\":\"a\",\"unit\":\"1\",\"lower\":2,\"upper\":1}]}")]
    [InlineData("{\"name\":\"x\",\"version\":1,\"features\":[{\"name\":\"a\",\"unit\":\"1\",\"lower\":\"0\"}]}")]
    [InlineData("{\"name\":\"x\",\"version\":1,\"features\":[{\"name\":\"a\",\"unit\":\"1\",\"upper\":1e999}]}")]
    [InlineData("{\"name\":\"x\",\"version\":1,\"features\":[{\"name\":\"a\"}]}")]
    [InlineData("{\"name\":\"x\",\"version\":1,\"parameters\":{\"k\":1},\"features\":[{\"name\":\"a\",\"unit\":\"1\"}]}")]
    [InlineData("{\"name\":\" x\",\"version\":1,\"features\":[{\"name\":\"a\",\"unit\":\"1\"}]}")]
    public void Malformed_json_is_refused_with_FormatException(string json)
    {
        Assert.Throws<FormatException>(() => FeatureSchema.FromJson(json));
    }

    [Fact]
    public void Missing_extra_and_reordered_features_are_each_reported()
    {
        FeatureSchema expected = Demo3("a", "b", "c", "d");
        AssertDifferences(Demo3("a", "c", "d"), expected, (FeatureSchemaDifferenceKind.MissingFeature, "b"));
        AssertDifferences(Demo3("a", "b", "c", "d", "e"), expected, (FeatureSchemaDifferenceKind.ExtraFeature, "e"));
        AssertDifferences(Demo3("a", "c", "b", "d"), expected,
            (FeatureSchemaDifferenceKind.ReorderedFeature, "c"), (FeatureSchemaDifferenceKind.ReorderedFeature, "b"));
        AssertDifferences(Demo3("x", "b", "d", "c"), expected,
            (FeatureSchemaDifferenceKind.MissingFeature, "a"), (FeatureSchemaDifferenceKind.ExtraFeature, "x"),
            (FeatureSchemaDifferenceKind.ReorderedFeature, "d"), (FeatureSchemaDifferenceKind.ReorderedFeature, "c"));
        Assert.Empty(Demo3("a", "b", "c", "d").Compare(expected));

        static FeatureSchema Demo3(params string[] names) =>
            new("demo", 1, names.Select(n => new FeatureDefinition(n, "1", "")));
    }

    [Fact]
    public void Unit_version_name_bounds_and_parameter_mismatches_are_reported()
    {
        FeatureSchema expected = new RadiomicsExtractor(new RadiomicsOptions { IntensityUnit = "HU" }).Schema;

        // Unit: every intensity-valued feature, plus the parameter that records the unit.
        IReadOnlyList<FeatureSchemaDifference> unit = new RadiomicsExtractor(new RadiomicsOptions()).Schema.Compare(expected);
        Assert.Contains(unit, d => d is { Kind: FeatureSchemaDifferenceKind.Unit, Subject: "first_order.variance", Expected: "HU^2", Actual: "1" });
        Assert.Contains(unit, d => d is { Kind: FeatureSchemaDifferenceKind.Unit, Subject: "first_order.mean", Expected: "HU", Actual: "1" });
        Assert.Contains(unit, d => d is { Kind: FeatureSchemaDifferenceKind.Parameter, Subject: "intensity.unit" });
        Assert.Equal(13, unit.Count(d => d.Kind == FeatureSchemaDifferenceKind.Unit));

        // Grey levels: the parameter and the GLCM bounds that depend on N_g.
        IReadOnlyList<FeatureSchemaDifference> levels =
            new RadiomicsExtractor(new RadiomicsOptions { IntensityUnit = "HU", GlcmGreyLevels = 16 }).Schema.Compare(expected);
        Assert.Contains(levels, d => d is { Kind: FeatureSchemaDifferenceKind.Parameter, Subject: "glcm.grey_levels", Expected: "32", Actual: "16" });
        Assert.Contains(levels, d => d is { Kind: FeatureSchemaDifferenceKind.Bounds, Subject: "glcm.contrast", Expected: "[0, 961]", Actual: "[0, 225]" });
        Assert.DoesNotContain(levels, d => d.Kind is FeatureSchemaDifferenceKind.Unit or FeatureSchemaDifferenceKind.MissingFeature);

        // Re-segmentation: parameter and intensity bounds.
        IReadOnlyList<FeatureSchemaDifference> reseg = new RadiomicsExtractor(
            new RadiomicsOptions { IntensityUnit = "HU", Resegmentation = new IntensityRange(-1000, 400) }).Schema.Compare(expected);
        Assert.Contains(reseg, d => d is { Kind: FeatureSchemaDifferenceKind.Bounds, Subject: "first_order.mean", Expected: "[none, none]", Actual: "[-1000, 400]" });
        Assert.Contains(reseg, d => d is { Kind: FeatureSchemaDifferenceKind.Parameter, Subject: "resegmentation", Expected: "none", Actual: "[-1000, 400]" });

        var renamed = new FeatureSchema("other", expected.Version + 1, expected.Features, expected.Parameters);
        AssertDifferences(renamed, expected,
            (FeatureSchemaDifferenceKind.SchemaName, null), (FeatureSchemaDifferenceKind.Version, null));
    }

    [Fact]
    public void EnsureCompatible_throws_before_encryption_and_lists_every_difference()
    {
        var model = new RadiomicsExtractor(new RadiomicsOptions { IntensityUnit = "HU", GlcmGreyLevels = 32 });
        var client = new RadiomicsExtractor(new RadiomicsOptions { IntensityUnit = "HU", GlcmGreyLevels = 16 });
        float[] pixels = TestData.CtLike(32, 32, 77);
        FeatureVector vector = client.Extract(pixels, 32, 32, RegionOfInterest.WholeImage);

        int encrypted = 0;
        void EncryptForModel(FeatureVector v, FeatureSchema expectedSchema)
        {
            v.EnsureCompatible(expectedSchema);
            encrypted++;
        }

        FeatureSchemaMismatchException e = Assert.Throws<FeatureSchemaMismatchException>(() => EncryptForModel(vector, model.Schema));
        Assert.Equal(0, encrypted);
        Assert.Equal(vector.Schema.Compare(model.Schema), e.Differences);
        Assert.Equal(model.Schema.Fingerprint, e.ExpectedFingerprint);
        Assert.Equal(vector.Schema.Fingerprint, e.ActualFingerprint);
        foreach (FeatureSchemaDifference d in e.Differences)
        {
            Assert.Contains(d.ToString(), e.Message, StringComparison.Ordinal);
        }

        Assert.Contains("parameter 'glcm.grey_levels' is '16', expected '32'", e.Message, StringComparison.Ordinal);

        FeatureVector matching = model.Extract(pixels, 32, 32, RegionOfInterest.WholeImage);
        EncryptForModel(matching, FeatureSchema.FromJson(model.Schema.ToJson()));
        Assert.Equal(1, encrypted);
    }

    [Fact]
    public void Feature_vectors_enforce_count_finiteness_and_bounds_and_round_trip_exactly()
    {
        FeatureSchema schema = Demo();
        Assert.Throws<ArgumentException>(() => new FeatureVector(schema, [1.0]));
        Assert.Throws<ArgumentException>(() => new FeatureVector(schema, [double.NaN, 0]));
        Assert.Throws<ArgumentException>(() => new FeatureVector(schema, [-1000.5, 0]));
        Assert.Throws<ArgumentException>(() => new FeatureVector(schema, [0, 1.0000000001]));
        var v = new FeatureVector(schema, [-1000, -1e300]);
        Assert.Equal(-1e300, v["b.ratio"]);
        Assert.Throws<KeyNotFoundException>(() => v["nope"]);

        FeatureVector real = new RadiomicsExtractor(new RadiomicsOptions { IntensityUnit = "HU" })
            .Extract(TestData.CtLike(40, 40, 5), 40, 40, RegionOfInterest.WholeImage);
        FeatureVector back = FeatureVector.FromJson(real.ToJson());
        Assert.Equal(real.Schema, back.Schema);
        Assert.Equal(real.ToArray(), back.ToArray()); // bit-exact: numbers are written in round-trip form
        Assert.Throws<FormatException>(() => FeatureVector.FromJson("{\"schema\":" + schema.ToJson() + ",\"values\":[1]}"));
        Assert.Throws<FormatException>(() => FeatureVector.FromJson("{\"schema\":" + schema.ToJson() + ",\"values\":[1,\"x\"]}"));
    }

    [Fact]
    public void Invalid_definitions_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new FeatureDefinition("", "1", ""));
        Assert.Throws<ArgumentException>(() => new FeatureDefinition("a", "", ""));
        Assert.Throws<ArgumentException>(() => new FeatureDefinition("a\n", "1", ""));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FeatureDefinition("a", "1", "", double.NegativeInfinity));
        Assert.Throws<ArgumentException>(() => new FeatureDefinition("a", "1", "", 1, 0));
        Assert.Throws<ArgumentException>(() => new FeatureDefinition("a", "1", "\ud800"));
        Assert.Throws<ArgumentException>(() => new FeatureSchema("s", 1, [new FeatureDefinition("a", "1", ""), new FeatureDefinition("a", "1", "")]));
        Assert.Throws<ArgumentException>(() => new FeatureSchema("s", 1, [new FeatureDefinition("a", "1", "")], [new("k", "1"), new("k", "2")]));
    }

    private static void AssertDifferences(FeatureSchema actual, FeatureSchema expected, params (FeatureSchemaDifferenceKind Kind, string? Subject)[] want)
    {
        IReadOnlyList<FeatureSchemaDifference> diffs = actual.Compare(expected);
        Assert.Equal(want, diffs.Select(d => (d.Kind, d.Subject)));
        FeatureSchemaMismatchException e = Assert.Throws<FeatureSchemaMismatchException>(() => actual.EnsureCompatible(expected));
        Assert.Equal(diffs.Count, e.Differences.Count);
    }
}
