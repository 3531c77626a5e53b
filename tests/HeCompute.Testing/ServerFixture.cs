namespace HeCompute.Testing;

/// <summary>One server on its own temporary data directory, shared by a test class.</summary>
public sealed class ServerFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public ServerFixture() => Factory = new HeComputeFactory(_directory.Path);

    public HeComputeFactory Factory { get; }

    public void Dispose()
    {
        Factory.Dispose();
        _directory.Dispose();
    }
}
