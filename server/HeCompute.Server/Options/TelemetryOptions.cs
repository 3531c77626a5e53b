namespace HeCompute.Server.Options;

/// <summary>OpenTelemetry export.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Write metrics to the console exporter (off by default).</summary>
    public bool ConsoleExporter { get; set; }
}
