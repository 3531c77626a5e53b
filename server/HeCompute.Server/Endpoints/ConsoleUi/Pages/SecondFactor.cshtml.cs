using HeCompute.Server.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints.ConsoleUi.Pages;

/// <summary>The second factor: a TOTP code or a recovery code, after the password.</summary>
public sealed class SecondFactorModel(UserAccounts accounts) : ConsolePage
{
    /// <summary>The pending cookie's stage for this page.</summary>
    public const string Stage = "totp";

    /// <summary>The user signing in.</summary>
    public string? UserName { get; private set; }

    /// <summary>Why the last attempt failed.</summary>
    public string? Error { get; private set; }

    /// <summary>The code entered.</summary>
    [BindProperty]
    public string? Code { get; set; }

    /// <summary>Shows the form, or sends the user back to the password when no password step is pending.</summary>
    public async Task<IActionResult> OnGetAsync()
    {
        if (await ConsoleAuth.PendingAsync(HttpContext, Stage).ConfigureAwait(false) is not { } pending)
        {
            return Redirect("/console/signin");
        }

        UserName = pending.UserName;
        return Page();
    }

    /// <summary>Checks the code; on success the session starts.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await ConsoleAuth.PendingAsync(HttpContext, Stage).ConfigureAwait(false) is not { } pending)
        {
            return Redirect("/console/signin");
        }

        UserName = pending.UserName;
        var outcome = await accounts.CheckSecondFactorAsync(pending.TenantId, pending.UserId, Code, cancellationToken).ConfigureAwait(false);
        if (outcome.Status == SignInStatus.SignedIn)
        {
            await HttpContext.SignOutAsync(ConsoleAuth.PendingScheme).ConfigureAwait(false);
            await ConsoleAuth.SignInAsync(HttpContext, outcome.User!).ConfigureAwait(false);
            return Redirect("/console");
        }

        if (outcome.Status == SignInStatus.LockedOut)
        {
            await HttpContext.SignOutAsync(ConsoleAuth.PendingScheme).ConfigureAwait(false);
            Error = SignInModel.LockedMessage(outcome.LockedUntil);
        }
        else
        {
            Error = "That code is not valid (each code works once).";
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }
}
