// Fixture (see Low.cs): a namespace that is no layer.
namespace HeCompute.Architecture.Tests.Fixture.Layers.Stray;

public sealed class Lost;
