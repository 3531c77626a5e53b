using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using HeCompute.Contracts;
using HeCompute.Server.Endpoints.ConsoleUi;
using HeCompute.Server.Users;
using Microsoft.AspNetCore.Mvc.Testing;
using OtpNet;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>
/// A person's browser on the console, over HTTP: its own cookie jar (https, so the <c>__Host-</c> cookies are kept),
/// no automatic redirects (tests read each step's answer), forms posted with the antiforgery token of the page they
/// came from, as a browser does.
/// </summary>
public sealed partial class ConsoleClient : IDisposable
{
    private readonly HeComputeFactory _factory;

    public ConsoleClient(HeComputeFactory factory)
    {
        _factory = factory;
        Http = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true });
    }

    public HttpClient Http { get; }

    /// <summary>The authenticator key enrolled by <see cref="EnrolAsync"/> (or the user's key copied from another client).</summary>
    public byte[]? Secret { get; set; }

    /// <summary>Every Set-Cookie header seen, by cookie name.</summary>
    public Dictionary<string, string> SetCookies { get; } = new(StringComparer.Ordinal);

    public void Dispose() => Http.Dispose();

    /// <summary>Creates a console user through the users API with a tenant-admin (or global admin) client.</summary>
    public static async Task<UserResponse> CreateUserAsync(HttpClient admin, string tenantId, string userName, string password, params string[] roles)
    {
        using var response = await admin.PostAsJsonAsync($"/v1/admin/tenants/{tenantId}/users", new CreateUserRequest(userName, password, roles), HeComputeJson.Options);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<UserResponse>();
    }

    /// <summary>GETs a page.</summary>
    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Remember(response);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    /// <summary>Opens <paramref name="formPage"/>, then posts <paramref name="fields"/> with the page's antiforgery token to <paramref name="action"/> (default: the page).</summary>
    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> SubmitAsync(string formPage, IReadOnlyDictionary<string, string> fields, string? action = null)
    {
        var (status, html, _) = await GetAsync(formPage);
        Assert.True(status == HttpStatusCode.OK, $"{formPage}: {status}");
        var token = Token(html);
        return await PostAsync(action ?? formPage, new Dictionary<string, string>(fields) { ["__csrf"] = token });
    }

    /// <summary>Posts a form as is (no token added).</summary>
    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> PostAsync(string path, IReadOnlyDictionary<string, string> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        using var response = await Http.PostAsync(path, content);
        Remember(response);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    /// <summary>The password step; returns where the console sends the user next.</summary>
    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> PasswordAsync(string tenantId, string userName, string password) =>
        await SubmitAsync("/console/signin", new Dictionary<string, string> { ["tenant"] = tenantId, ["username"] = userName, ["password"] = password });

    /// <summary>Password, then enrolment: reads the key from the page, confirms with its current code; returns the recovery codes.</summary>
    public async Task<IReadOnlyList<string>> EnrolAsync(string tenantId, string userName, string password)
    {
        var (status, _, location) = await PasswordAsync(tenantId, userName, password);
        Assert.Equal((HttpStatusCode.Redirect, "/console/enrol"), (status, location?.OriginalString));
        var (_, html, _) = await GetAsync("/console/enrol");
        Secret = Base32Encoding.ToBytes(Match(html, SecretPattern()));
        var (confirmed, page, _) = await PostAsync("/console/enrol", new Dictionary<string, string> { ["code"] = Code(), ["__csrf"] = Token(html) });
        Assert.True(confirmed == HttpStatusCode.OK, page);
        return [.. RecoveryCodePattern().Matches(page).Select(m => m.Groups[1].Value)];
    }

    /// <summary>Password and a code (the current TOTP code unless given); returns the last answer.</summary>
    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> SignInAsync(string tenantId, string userName, string password, string? code = null)
    {
        var (status, html, location) = await PasswordAsync(tenantId, userName, password);
        if (location?.OriginalString != "/console/signin/code")
        {
            return (status, html, location);
        }

        return await SubmitAsync("/console/signin/code", new Dictionary<string, string> { ["code"] = code ?? Code() });
    }

    /// <summary>The code the enrolled authenticator shows now (by the server's clock).</summary>
    public string Code() => UserAccounts.ComputeCode(Secret ?? throw new InvalidOperationException("Not enrolled."), _factory.Time.GetUtcNow());

    /// <summary>The antiforgery token of a page's form.</summary>
    public static string Token(string html) => Match(html, TokenPattern());

    private static string Match(string html, Regex pattern)
    {
        var match = pattern.Match(html);
        Assert.True(match.Success, $"{pattern} not found in:\n{html}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private void Remember(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            foreach (var cookie in cookies)
            {
                SetCookies[cookie[..cookie.IndexOf('=', StringComparison.Ordinal)]] = cookie;
            }
        }
    }

    [GeneratedRegex("name=\"__csrf\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<code id=\"totp-secret\">([A-Z2-7]+)</code>")]
    private static partial Regex SecretPattern();

    [GeneratedRegex("<li>([a-z2-7]{8}-[a-z2-7]{8})</li>")]
    private static partial Regex RecoveryCodePattern();
}
