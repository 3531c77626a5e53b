namespace HeCompute.Server.Users;

/// <summary>Console sign-in settings (<c>HeCompute:Console</c>).</summary>
public sealed class UserAccountOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "HeCompute:Console";

    /// <summary>Failed password or second-factor attempts in a row that lock the account.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a locked account refuses every sign-in, even with the right password.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A console session without a request for this long has ended (sliding).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How long the step between password and second factor may take.</summary>
    public TimeSpan SecondFactorWindow { get; set; } = TimeSpan.FromMinutes(5);
}
