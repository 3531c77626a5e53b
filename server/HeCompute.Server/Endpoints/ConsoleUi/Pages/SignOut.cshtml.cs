using HeCompute.Server.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace HeCompute.Server.Endpoints.ConsoleUi.Pages;

/// <summary>Ends the session (a form post, so a link on another site cannot sign anyone out).</summary>
public sealed class SignOutModel(UserAccounts accounts) : ConsolePage
{
    /// <summary>Signs out and records it.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (User.FindFirst(ConsoleAuth.UserIdClaim)?.Value is { } userId)
        {
            await accounts.SignedOutAsync(TenantId, userId, cancellationToken).ConfigureAwait(false);
        }

        await HttpContext.SignOutAsync(ConsoleAuth.Scheme).ConfigureAwait(false);
        return Redirect("/console/signin");
    }
}
