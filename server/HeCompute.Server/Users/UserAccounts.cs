using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HeCompute.Contracts;
using HeCompute.Server.Auth;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OtpNet;
using QRCoder;

namespace HeCompute.Server.Users;

/// <summary>
/// Console accounts for people: creation with the roles API keys carry, password sign-in (ASP.NET Core Identity's
/// hasher: PBKDF2-HMAC-SHA512, 100,000 iterations, 128-bit salt), a TOTP second factor (RFC 6238: SHA-1, 6 digits,
/// 30 s, one step of clock drift either way, each step accepted once), ten single-use recovery codes stored as SHA-256
/// hashes, and lockout after repeated failures. Every sign-in, failure, lockout and second-factor change is appended
/// to the tenant's audit chain.
/// </summary>
public sealed class UserAccounts(IUserStore users, IMetadataStore metadata, TimeProvider time, IOptions<UserAccountOptions> options)
{
    /// <summary>The shortest password accepted.</summary>
    public const int MinPasswordLength = 12;

    /// <summary>How many recovery codes an enrolment issues.</summary>
    public const int RecoveryCodeCount = 10;

    /// <summary>The issuer name authenticator apps show.</summary>
    public const string Issuer = "HeCompute";

    private const int TotpStepSeconds = 30;

    private static readonly PasswordHasher<UserRecord> Hasher = new();

    // Verified against when the user name is unknown, so the answer takes as long as for a real user.
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not a password of anyone");

    private UserAccountOptions Settings => options.Value;

    /// <summary>
    /// Creates a user in <paramref name="tenantId"/> with these roles (the same rules as API keys: known roles, the
    /// global <c>admin</c> role only in the system tenant). The caller has checked it owns the tenant.
    /// </summary>
    public async Task<UserRecord> CreateAsync(string tenantId, string? userName, string? password, IReadOnlyList<string>? roles, CancellationToken cancellationToken)
    {
        var name = userName?.Trim() ?? string.Empty;
        if (name.Length is < 1 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@'))
        {
            throw DomainErrors.Invalid("user_name must be 1 to 64 characters: letters, digits, '.', '_', '-' or '@'.");
        }

        if (password is null || password.Length < MinPasswordLength || password.Length > 1024)
        {
            throw DomainErrors.Invalid($"password must be {MinPasswordLength} to 1024 characters.");
        }

        var distinct = (roles ?? []).Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0 || distinct.Any(r => !Roles.IsKnown(r)))
        {
            throw DomainErrors.Invalid($"One or more roles are required, each one of: {string.Join(", ", Roles.All)}.");
        }

        if (distinct.Contains(Roles.Admin) && !string.Equals(tenantId, BootstrapAdmin.SystemTenantId, StringComparison.Ordinal))
        {
            throw DomainErrors.Invalid($"The '{Roles.Admin}' role exists only in the system tenant; give a tenant's administrator the '{Roles.TenantAdmin}' role.");
        }

        if (await metadata.Tenants.GetAsync(tenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new NotFoundException("tenant");
        }

        var user = new UserRecord(Ids.New("usr"), tenantId, name, distinct, string.Empty, time.GetUtcNow());
        user = user with { PasswordHash = Hasher.HashPassword(user, password) };
        if (!await users.CreateAsync(user, cancellationToken).ConfigureAwait(false))
        {
            throw DomainErrors.Conflict($"The tenant already has a user named '{name}'.");
        }

        return user;
    }

    /// <summary>The first step: tenant, user name and password.</summary>
    public async Task<SignInOutcome> CheckPasswordAsync(string? tenantId, string? userName, string? password, CancellationToken cancellationToken)
    {
        var tenant = tenantId?.Trim() ?? string.Empty;
        var user = tenant.Length == 0 || string.IsNullOrWhiteSpace(userName)
            ? null
            : await users.FindByNameAsync(tenant, userName.Trim(), cancellationToken).ConfigureAwait(false);
        var verified = Hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? DummyHash, password ?? string.Empty) != PasswordVerificationResult.Failed;
        if (user is null)
        {
            // An unknown tenant has no chain to write to; a known one records the attempt on an unknown name.
            var knownTenant = tenant.Length > 0 && await metadata.Tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false) is not null;
            await AuditAsync(knownTenant ? tenant : null, null, "console.signin.password", 401, "client_error", cancellationToken).ConfigureAwait(false);
            return new SignInOutcome(SignInStatus.Failed);
        }

        if (Locked(user) is { } until)
        {
            await AuditAsync(user, "console.signin.locked", 423, "client_error", cancellationToken).ConfigureAwait(false);
            return new SignInOutcome(SignInStatus.LockedOut, null, until);
        }

        if (!verified)
        {
            return await FailAsync(user, "console.signin.password", cancellationToken).ConfigureAwait(false);
        }

        await AuditAsync(user, "console.signin.password", 200, "success", cancellationToken).ConfigureAwait(false);
        return new SignInOutcome(user.TotpEnabled ? SignInStatus.SecondFactorRequired : SignInStatus.EnrolmentRequired, user);
    }

    /// <summary>
    /// The second step: a TOTP code (or an unused recovery code) of a user whose password was checked. A code is
    /// accepted once; a recovery code is used up.
    /// </summary>
    public async Task<SignInOutcome> CheckSecondFactorAsync(string tenantId, string userId, string? code, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(tenantId, userId, cancellationToken).ConfigureAwait(false);
        if (user is null || !user.TotpEnabled || user.TotpSecret is null)
        {
            return new SignInOutcome(SignInStatus.Failed);
        }

        if (Locked(user) is { } until)
        {
            await AuditAsync(user, "console.signin.locked", 423, "client_error", cancellationToken).ConfigureAwait(false);
            return new SignInOutcome(SignInStatus.LockedOut, null, until);
        }

        var entered = (code ?? string.Empty).Trim();
        if (await AcceptTotpAsync(user, entered, cancellationToken).ConfigureAwait(false))
        {
            return await SignedInAsync(user, "console.signin.totp", cancellationToken).ConfigureAwait(false);
        }

        if (entered.Length > 6 && await users.ConsumeRecoveryCodeAsync(tenantId, userId, HashRecoveryCode(entered), cancellationToken).ConfigureAwait(false))
        {
            return await SignedInAsync(user, "console.signin.recovery-code", cancellationToken).ConfigureAwait(false);
        }

        return await FailAsync(user, "console.signin.totp", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts enrolment for a user without a confirmed authenticator: a fresh secret, kept unconfirmed until
    /// <see cref="ConfirmEnrolmentAsync"/> sees a code made from it.
    /// </summary>
    public async Task<TotpEnrolment> BeginEnrolmentAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(tenantId, userId, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException("user");
        if (user.TotpEnabled)
        {
            throw DomainErrors.Conflict("The user already has an authenticator.");
        }

        var secret = user.TotpSecret ?? KeyGeneration.GenerateRandomKey(20);
        if (user.TotpSecret is null)
        {
            await users.SetTotpAsync(tenantId, userId, secret, enabled: false, cancellationToken).ConfigureAwait(false);
        }

        return Enrolment(user, secret);
    }

    /// <summary>
    /// Confirms enrolment with a code from the new authenticator; returns the recovery codes (shown once, stored
    /// hashed), or null when the code is wrong (which counts as a failed attempt).
    /// </summary>
    public async Task<IReadOnlyList<string>?> ConfirmEnrolmentAsync(string tenantId, string userId, string? code, CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(tenantId, userId, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException("user");
        if (user.TotpEnabled || user.TotpSecret is null)
        {
            throw DomainErrors.Conflict("There is no enrolment to confirm.");
        }

        if (Locked(user) is not null || !await AcceptTotpAsync(user, (code ?? string.Empty).Trim(), cancellationToken).ConfigureAwait(false))
        {
            await FailAsync(user, "console.mfa.enrol", cancellationToken).ConfigureAwait(false);
            return null;
        }

        await users.SetTotpAsync(tenantId, userId, user.TotpSecret, enabled: true, cancellationToken).ConfigureAwait(false);
        var codes = new string[RecoveryCodeCount];
        for (var i = 0; i < codes.Length; i++)
        {
            var raw = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();
            codes[i] = $"{raw[..8]}-{raw[8..16]}";
        }

        await users.ReplaceRecoveryCodesAsync(tenantId, userId, [.. codes.Select(HashRecoveryCode)], cancellationToken).ConfigureAwait(false);
        await AuditAsync(user, "console.mfa.enrol", 200, "success", cancellationToken).ConfigureAwait(false);
        await users.ResetFailuresAsync(tenantId, userId, cancellationToken).ConfigureAwait(false);
        return codes;
    }

    /// <summary>The tenant's users.</summary>
    public Task<IReadOnlyList<UserRecord>> ListAsync(string tenantId, CancellationToken cancellationToken) => users.ListAsync(tenantId, cancellationToken);

    /// <summary>The user, or null (e.g. to end a session whose user was removed).</summary>
    public Task<UserRecord?> FindAsync(string tenantId, string userId, CancellationToken cancellationToken) => users.GetAsync(tenantId, userId, cancellationToken);

    /// <summary>Records a sign-out in the audit chain.</summary>
    public Task SignedOutAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        AuditAsync(tenantId, userId, "console.signout", 200, "success", cancellationToken);

    /// <summary>The TOTP code an authenticator shows for <paramref name="secret"/> at <paramref name="at"/> (tests and tools).</summary>
    public static string ComputeCode(byte[] secret, DateTimeOffset at) => new Totp(secret, TotpStepSeconds).ComputeTotp(at.UtcDateTime);

    /// <summary>The audit key id a user's actions are recorded under.</summary>
    public static string AuditId(string userId) => "user:" + userId;

    private static byte[] HashRecoveryCode(string code) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal)));

    private static TotpEnrolment Enrolment(UserRecord user, byte[] secret)
    {
        var base32 = Base32Encoding.ToString(secret).TrimEnd('=');
        var label = Uri.EscapeDataString($"{Issuer}:{user.UserName}@{user.TenantId}");
        var uri = new Uri(string.Create(
            CultureInfo.InvariantCulture,
            $"otpauth://totp/{label}?secret={base32}&issuer={Issuer}&algorithm=SHA1&digits=6&period={TotpStepSeconds}"));
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri.AbsoluteUri, QRCodeGenerator.ECCLevel.M);
        return new TotpEnrolment(base32, uri, new SvgQRCode(data).GetGraphic(5));
    }

    private DateTimeOffset? Locked(UserRecord user) => user.LockedUntil is { } until && until > time.GetUtcNow() ? until : null;

    private async Task<bool> AcceptTotpAsync(UserRecord user, string code, CancellationToken cancellationToken)
    {
        if (user.TotpSecret is null || code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        var totp = new Totp(user.TotpSecret, TotpStepSeconds);
        return totp.VerifyTotp(time.GetUtcNow().UtcDateTime, code, out var step, VerificationWindow.RfcSpecifiedNetworkDelay)
            && await users.ClaimTotpStepAsync(user.TenantId, user.Id, step, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SignInOutcome> SignedInAsync(UserRecord user, string action, CancellationToken cancellationToken)
    {
        await users.ResetFailuresAsync(user.TenantId, user.Id, cancellationToken).ConfigureAwait(false);
        await AuditAsync(user, action, 200, "success", cancellationToken).ConfigureAwait(false);
        return new SignInOutcome(SignInStatus.SignedIn, user);
    }

    private async Task<SignInOutcome> FailAsync(UserRecord user, string action, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var after = await users.RecordFailureAsync(user.TenantId, user.Id, Settings.MaxFailedAttempts, now + Settings.LockoutDuration, cancellationToken)
            .ConfigureAwait(false);
        await AuditAsync(user, action, 401, "client_error", cancellationToken).ConfigureAwait(false);
        if (after?.LockedUntil is { } until && until > now)
        {
            await AuditAsync(user, "console.lockout", 423, "client_error", cancellationToken).ConfigureAwait(false);
            return new SignInOutcome(SignInStatus.LockedOut, null, until);
        }

        return new SignInOutcome(SignInStatus.Failed);
    }

    private Task AuditAsync(UserRecord user, string action, int status, string outcome, CancellationToken cancellationToken) =>
        AuditAsync(user.TenantId, user.Id, action, status, outcome, cancellationToken);

    private async Task AuditAsync(string? tenantId, string? userId, string action, int status, string outcome, CancellationToken cancellationToken) =>
        await metadata.Audit.AppendAsync(
            new AuditDraft(
                time.GetUtcNow(), tenantId, userId is null ? null : AuditId(userId), action, "POST", "/console/signin",
                userId is null ? [] : [userId], [], [], null, 0, status, outcome),
            cancellationToken).ConfigureAwait(false);
}
