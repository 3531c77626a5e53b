namespace HeCompute.Server.Audit;

/// <summary>
/// What an endpoint tells the audit log about its call (set as an HttpContext feature by the audit middleware).
/// Never a payload: ids and SHA-256 hashes only.
/// </summary>
public sealed class AuditRecord
{
    /// <summary>The action; defaults to the endpoint's name.</summary>
    public string? Action { get; set; }

    /// <summary>Ids of the objects touched.</summary>
    public List<string> ObjectIds { get; } = [];

    /// <summary>Hex SHA-256 of each ciphertext or key body received.</summary>
    public List<string> BodiesIn { get; } = [];

    /// <summary>Hex SHA-256 of each ciphertext or key body sent.</summary>
    public List<string> BodiesOut { get; } = [];

    /// <summary>parms_id of the parameters involved.</summary>
    public string? ParmsId { get; set; }
}

/// <summary>Access to the current call's <see cref="AuditRecord"/>.</summary>
public static class AuditHttpContextExtensions
{
    /// <summary>The call's audit record (a detached one if the middleware is not in the pipeline).</summary>
    public static AuditRecord Audit(this HttpContext context) =>
        (context ?? throw new ArgumentNullException(nameof(context))).Features.Get<AuditRecord>() ?? new AuditRecord();
}
