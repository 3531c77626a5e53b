using HeCompute.Server.Storage;

namespace HeCompute.Server.KeySets;

/// <summary>
/// An uploaded key set as the service takes it: its binary parts, each already streamed to a staged blob, and an
/// optional display name. Disposing deletes whatever was not committed.
/// </summary>
public sealed class KeySetUpload : IDisposable
{
    /// <summary>The binary parts by name.</summary>
    public Dictionary<string, StagedBlob> Parts { get; } = new(StringComparer.Ordinal);

    /// <summary>The optional display name.</summary>
    public string? Name { get; set; }

    /// <summary>The optional expiry the client asked for.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Bytes received in binary parts.</summary>
    public long TotalBytes => Parts.Values.Sum(p => p.Length);

    /// <summary>Opens the staged parts for the loader.</summary>
    public IReadOnlyDictionary<string, Func<Stream>> Openers() =>
        Parts.ToDictionary(p => p.Key, p => (Func<Stream>)p.Value.OpenRead, StringComparer.Ordinal);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var part in Parts.Values)
        {
            part.Dispose();
        }
    }
}
