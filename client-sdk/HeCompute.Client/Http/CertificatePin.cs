using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HeCompute.Client.Http;

/// <summary>
/// A pinned server certificate: the SHA-256 of the leaf certificate's DER encoding, written <c>sha256:</c> and 64 hex
/// digits (colons between bytes and upper case accepted), as the server prints it at start. A pinned connection
/// trusts exactly that certificate, whatever signed it and whichever name it carries, and refuses any other, even one
/// a public authority signed: the pin replaces the system's trust decision for this server.
/// </summary>
public sealed class CertificatePin
{
    /// <summary>The prefix of the written form.</summary>
    public const string Prefix = "sha256:";

    private readonly byte[] _sha256;

    private CertificatePin(byte[] sha256) => _sha256 = sha256;

    /// <summary>The pin's written form (<c>sha256:</c> and lowercase hex).</summary>
    public override string ToString() => Prefix + Convert.ToHexStringLower(_sha256);

    /// <summary>Reads a pin.</summary>
    /// <exception cref="FormatException">Not <c>sha256:</c> and 32 bytes of hex.</exception>
    public static CertificatePin Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var hex = trimmed.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? trimmed[Prefix.Length..].Replace(":", string.Empty, StringComparison.Ordinal) : null;
        if (hex is not { Length: 64 } || !hex.All(char.IsAsciiHexDigit))
        {
            throw new FormatException($"'{trimmed}' is not a certificate pin: expected sha256: and the 64 hex digits of the certificate's SHA-256 fingerprint (the server prints it at start).");
        }

        return new CertificatePin(Convert.FromHexString(hex));
    }

    /// <summary>The written pin of <paramref name="certificate"/>.</summary>
    public static string Of(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Prefix + Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    /// <summary>Whether <paramref name="certificate"/> is the pinned one.</summary>
    public bool Matches(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return CryptographicOperations.FixedTimeEquals(certificate.GetCertHash(HashAlgorithmName.SHA256), _sha256);
    }

    /// <summary>
    /// The primary handler of a pinned client: the leaf certificate must match, chain and name are not consulted. A
    /// refused certificate is remembered on the request so <see cref="RefusalHandler"/> can name it.
    /// </summary>
    internal HttpClientHandler CreateHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (request, certificate, _, _) =>
        {
            if (certificate is not null && Matches(certificate))
            {
                return true;
            }

            request.Options.Set(Refused, (ToString(), certificate is null ? "no certificate" : Of(certificate)));
            return false;
        },
    };

    private static readonly HttpRequestOptionsKey<(string Pinned, string Presented)> Refused = new("HeCompute.CertificatePin.Refused");

    /// <summary>Turns the TLS failure of a refused certificate into <see cref="CertificatePinMismatchException"/> (never retried); other requests pass.</summary>
    internal sealed class RefusalHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (request.Options.TryGetValue(Refused, out var refused))
            {
                throw new CertificatePinMismatchException(request.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "the server", refused.Pinned, refused.Presented, e);
            }
        }
    }
}

/// <summary>The server presented a certificate other than the pinned one: the connection was refused before any request was sent.</summary>
public sealed class CertificatePinMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CertificatePinMismatchException(string server, string pinned, string presented, Exception? innerException = null)
        : base($"The server at {server} presented certificate {presented}, not the pinned {pinned}: the connection was refused and nothing was sent. " +
               "It is another server, or its certificate was replaced; if it was replaced on purpose, pin the new fingerprint the server prints at start.", innerException)
    {
        Pinned = pinned;
        Presented = presented;
    }

    /// <summary>Creates the exception.</summary>
    public CertificatePinMismatchException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public CertificatePinMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CertificatePinMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The pin the client expected.</summary>
    public string? Pinned { get; }

    /// <summary>The fingerprint of the certificate the server presented.</summary>
    public string? Presented { get; }
}
