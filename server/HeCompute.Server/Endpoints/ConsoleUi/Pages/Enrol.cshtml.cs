using HeCompute.Server.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints.ConsoleUi.Pages;

/// <summary>TOTP enrolment, at the first sign-in: the QR code (SVG drawn by the server), confirmation, the recovery codes.</summary>
public sealed class EnrolModel(UserAccounts accounts) : ConsolePage
{
    /// <summary>The pending cookie's stage for this page.</summary>
    public const string Stage = "enrol";

    /// <summary>The user enrolling.</summary>
    public string? UserName { get; private set; }

    /// <summary>The secret, its URI and QR code.</summary>
    public TotpEnrolment? Enrolment { get; private set; }

    /// <summary>The recovery codes, once confirmed.</summary>
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    /// <summary>Why the confirmation failed.</summary>
    public string? Error { get; private set; }

    /// <summary>The code entered.</summary>
    [BindProperty]
    public string? Code { get; set; }

    /// <summary>Shows the QR code.</summary>
    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await ConsoleAuth.PendingAsync(HttpContext, Stage).ConfigureAwait(false) is not { } pending)
        {
            return Redirect("/console/signin");
        }

        UserName = pending.UserName;
        Enrolment = await accounts.BeginEnrolmentAsync(pending.TenantId, pending.UserId, cancellationToken).ConfigureAwait(false);
        return Page();
    }

    /// <summary>Confirms with a code; on success shows the recovery codes and starts the session.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await ConsoleAuth.PendingAsync(HttpContext, Stage).ConfigureAwait(false) is not { } pending)
        {
            return Redirect("/console/signin");
        }

        UserName = pending.UserName;
        var codes = await accounts.ConfirmEnrolmentAsync(pending.TenantId, pending.UserId, Code, cancellationToken).ConfigureAwait(false);
        if (codes is null)
        {
            Error = "That code does not match the key; check the app's clock and try the next code.";
            Enrolment = await accounts.BeginEnrolmentAsync(pending.TenantId, pending.UserId, cancellationToken).ConfigureAwait(false);
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        var enrolled = await accounts.FindAsync(pending.TenantId, pending.UserId, cancellationToken).ConfigureAwait(false);
        await HttpContext.SignOutAsync(ConsoleAuth.PendingScheme).ConfigureAwait(false);
        await ConsoleAuth.SignInAsync(HttpContext, enrolled!).ConfigureAwait(false);
        RecoveryCodes = codes;
        return Page();
    }
}
