// Fixture (see Low.cs): Mid may use Low, not High.
namespace HeCompute.Architecture.Tests.Fixture.Layers.Mid;

public sealed class Part : Low.Base;

public static class Assembler
{
    public static High.Widget Build() => new();
}

public static class Catches
{
    public static bool Try(Func<int> action)
    {
        try
        {
            return action() > 0;
        }
        catch (High.WidgetException)
        {
            return false;
        }
    }
}
