namespace HeCompute.Server.Jobs;

/// <summary>A registered handler: its kind, type and whether interrupted runs resume.</summary>
public sealed record JobHandlerRegistration(string Kind, Type HandlerType, bool Resumable);

/// <summary>The handlers by kind (built from <see cref="JobsServiceCollectionExtensions.AddJobHandler{THandler}"/> registrations).</summary>
public sealed class JobHandlerRegistry
{
    private readonly Dictionary<string, JobHandlerRegistration> _byKind;

    /// <summary>Indexes the registrations; a kind registered twice is a configuration error.</summary>
    public JobHandlerRegistry(IEnumerable<JobHandlerRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        _byKind = new Dictionary<string, JobHandlerRegistration>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            if (!_byKind.TryAdd(registration.Kind, registration))
            {
                throw new InvalidOperationException($"Two job handlers are registered for kind '{registration.Kind}'.");
            }
        }
    }

    /// <summary>The registered kinds.</summary>
    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    /// <summary>The handler registration for a kind.</summary>
    public bool TryGet(string kind, out JobHandlerRegistration registration) => _byKind.TryGetValue(kind, out registration!);
}
