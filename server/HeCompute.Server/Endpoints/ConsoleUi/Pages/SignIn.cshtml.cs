using HeCompute.Server.Users;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints.ConsoleUi.Pages;

/// <summary>The first factor: tenant, user name and password.</summary>
public sealed class SignInModel(UserAccounts accounts) : ConsolePage
{
    /// <summary>The tenant typed.</summary>
    [BindProperty]
    public string? Tenant { get; set; }

    /// <summary>The user name typed.</summary>
    [BindProperty]
    public string? UserName { get; set; }

    /// <summary>The password typed (never echoed).</summary>
    [BindProperty]
    public string? Password { get; set; }

    /// <summary>Why the last attempt failed.</summary>
    public string? Error { get; private set; }

    /// <summary>Checks the password; on success the second factor (or its enrolment) comes next.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var outcome = await accounts.CheckPasswordAsync(Tenant, UserName, Password, cancellationToken).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case SignInStatus.SecondFactorRequired:
                await ConsoleAuth.BeginPendingAsync(HttpContext, outcome.User!, SecondFactorModel.Stage).ConfigureAwait(false);
                return Redirect("/console/signin/code");
            case SignInStatus.EnrolmentRequired:
                await ConsoleAuth.BeginPendingAsync(HttpContext, outcome.User!, EnrolModel.Stage).ConfigureAwait(false);
                return Redirect("/console/enrol");
            case SignInStatus.LockedOut:
                Error = LockedMessage(outcome.LockedUntil);
                break;
            default:
                Error = "The tenant, user name or password is wrong.";
                break;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }

    /// <summary>What a locked-out user reads.</summary>
    internal static string LockedMessage(DateTimeOffset? until) =>
        $"Too many failed attempts: this account is locked until {Time(until)}.";
}
