namespace HeCompute.Testing;

/// <summary>System time plus an offset the test can move forward (for expiry).</summary>
public sealed class ShiftableTimeProvider : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
