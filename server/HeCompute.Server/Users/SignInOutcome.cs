using HeCompute.Server.Storage;

namespace HeCompute.Server.Users;

/// <summary>Where a sign-in attempt stands.</summary>
public enum SignInStatus
{
    /// <summary>Wrong user name, password or code (the same answer for each, so nothing reveals which users exist).</summary>
    Failed,

    /// <summary>Too many failed attempts: the account refuses sign-ins until <see cref="SignInOutcome.LockedUntil"/>.</summary>
    LockedOut,

    /// <summary>The password was right; the user has a TOTP authenticator and must give a code.</summary>
    SecondFactorRequired,

    /// <summary>The password was right; the user has no second factor yet and must enrol one before the session starts.</summary>
    EnrolmentRequired,

    /// <summary>Both factors passed: the session may start.</summary>
    SignedIn,
}

/// <summary>The result of one sign-in step.</summary>
/// <param name="Status">Where the attempt stands.</param>
/// <param name="User">The user, once the password was right.</param>
/// <param name="LockedUntil">When a lockout ends.</param>
public sealed record SignInOutcome(SignInStatus Status, UserRecord? User = null, DateTimeOffset? LockedUntil = null);

/// <summary>What a user needs to add an authenticator: the secret (Base32), the <c>otpauth://</c> URI and its QR code as SVG.</summary>
public sealed record TotpEnrolment(string Secret, Uri OtpAuthUri, string QrCodeSvg);
