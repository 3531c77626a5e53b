// A planted fixture for CheckerSelfTests: Low is the bottom layer, so every use of Mid or High here is a violation the
// checker must find — several of them only in method bodies.
namespace HeCompute.Architecture.Tests.Fixture.Layers.Low;

public abstract class Base
{
    public int Value { get; set; }
}

public sealed class Clean : Base
{
    public string Describe() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class UsesHighInBodyOnly
{
    public object Make() => new High.Widget();
}

public static class CallsHighStatically
{
    public static int Count() => High.Tools.Twice(2);
}

public sealed class GenericBody<T>
{
    // The body's token is the method instance Tools.Echo<!0>: resolving it needs this type's generic context.
    public T Pass(T value) => High.Tools.Echo(value);
}

public sealed class CapturesHighInLambda
{
    // The lambda's body lives in a compiler-generated nested class; the checker charges it to this type.
    public Func<object> Factory() => () => new High.Widget();
}

[High.Marker]
public sealed class Marked;

public sealed class HoldsMidInGeneric
{
    public List<Mid.Part> Parts { get; } = [];
}

// A file-local type: its compiler name starts with '<', yet it is program code and must be judged.
file static class Hidden
{
    public static object Make() => new High.Widget();
}
