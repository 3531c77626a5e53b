namespace HeCompute.Server.Storage;

/// <summary>
/// People who sign in to the console: one account per user name and tenant, with the roles API keys carry. Holds
/// password hashes, the TOTP secret and hashed recovery codes; every lookup takes the tenant id.
/// </summary>
public interface IUserStore
{
    /// <summary>Adds a user; false if the tenant already has one with this user name.</summary>
    Task<bool> CreateAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>The tenant's user with this user name, or null.</summary>
    Task<UserRecord?> FindByNameAsync(string tenantId, string userName, CancellationToken cancellationToken);

    /// <summary>The tenant's user with this id, or null.</summary>
    Task<UserRecord?> GetAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>The tenant's users, oldest first.</summary>
    Task<IReadOnlyList<UserRecord>> ListAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the TOTP secret (null: none) and whether it is confirmed; a new secret forgets the last accepted time step.
    /// False if there is no such user.
    /// </summary>
    Task<bool> SetTotpAsync(string tenantId, string userId, byte[]? secret, bool enabled, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="timeStep"/> as the last accepted TOTP step, only if it is later than the one recorded:
    /// false means the code was already used (a replay) or there is no such user.
    /// </summary>
    Task<bool> ClaimTotpStepAsync(string tenantId, string userId, long timeStep, CancellationToken cancellationToken);

    /// <summary>Replaces the user's recovery codes with these SHA-256 hashes.</summary>
    Task ReplaceRecoveryCodesAsync(string tenantId, string userId, IReadOnlyList<byte[]> codeHashes, CancellationToken cancellationToken);

    /// <summary>Deletes the recovery code with this hash; false if the user holds none such (unknown or used).</summary>
    Task<bool> ConsumeRecoveryCodeAsync(string tenantId, string userId, byte[] codeHash, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one failed attempt, atomically; when the count reaches <paramref name="maxAttempts"/> the account is
    /// locked until <paramref name="lockedUntil"/> and the count starts again. Returns the user as it now is (null: no such user).
    /// </summary>
    Task<UserRecord?> RecordFailureAsync(string tenantId, string userId, int maxAttempts, DateTimeOffset lockedUntil, CancellationToken cancellationToken);

    /// <summary>Clears the failure count and any lockout (after a complete sign-in).</summary>
    Task ResetFailuresAsync(string tenantId, string userId, CancellationToken cancellationToken);
}

/// <summary>A console user. <paramref name="PasswordHash"/> is ASP.NET Core Identity's format (PBKDF2); the TOTP secret is raw bytes.</summary>
public sealed record UserRecord(
    string Id,
    string TenantId,
    string UserName,
    IReadOnlyList<string> Roles,
    string PasswordHash,
    DateTimeOffset CreatedAt,
    byte[]? TotpSecret = null,
    bool TotpEnabled = false,
    long? TotpLastStep = null,
    int FailedAttempts = 0,
    DateTimeOffset? LockedUntil = null,
    int RecoveryCodesLeft = 0);
