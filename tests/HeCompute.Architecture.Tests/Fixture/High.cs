// Fixture (see Low.cs): High may use everything below it.
namespace HeCompute.Architecture.Tests.Fixture.Layers.High;

public sealed class Widget
{
    public Low.Clean? Inner { get; set; }

    public Mid.Part Part { get; } = new();
}

public static class Tools
{
    public static int Twice(int x) => 2 * x;

    public static T Echo<T>(T value) => value;
}

[AttributeUsage(AttributeTargets.Class)]
public sealed class MarkerAttribute : Attribute;

public sealed class WidgetException : Exception
{
    public WidgetException()
    {
    }

    public WidgetException(string message)
        : base(message)
    {
    }

    public WidgetException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
