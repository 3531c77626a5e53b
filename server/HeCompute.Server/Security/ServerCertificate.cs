using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Security;

/// <summary>
/// The self-signed certificate a server without a configured one serves: ECDSA P-256, valid two years, naming
/// <c>localhost</c>, <c>127.0.0.1</c>, <c>::1</c> and the configured host names. Generated on the first start into
/// <c>server.crt</c> and <c>server.key</c> (0600, in a 0700 directory), reused on later starts, replaced only when it
/// is about to expire or no longer names a configured host. Its SHA-256 fingerprint, what clients pin, is written to
/// <c>server.sha256</c> for scripts.
/// </summary>
public sealed class ServerCertificate
{
    /// <summary>The prefix of a fingerprint as printed and as clients take it (<c>sha256:</c> and 64 hex digits).</summary>
    public const string FingerprintPrefix = "sha256:";

    private static readonly TimeSpan Validity = TimeSpan.FromDays(730);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private ServerCertificate(X509Certificate2 certificate, string directory, bool generated)
    {
        Certificate = certificate;
        Directory = directory;
        Generated = generated;
        Fingerprint = FingerprintOf(certificate);
    }

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Where its files are.</summary>
    public string Directory { get; }

    /// <summary>Whether this start generated it (else an earlier start's was reused).</summary>
    public bool Generated { get; }

    /// <summary><c>sha256:</c> and the lowercase hex SHA-256 of the certificate's DER encoding.</summary>
    public string Fingerprint { get; }

    /// <summary>The file holding <see cref="Fingerprint"/>.</summary>
    public string FingerprintPath => Path.Combine(Directory, "server.sha256");

    /// <summary>The fingerprint clients pin, of any certificate.</summary>
    public static string FingerprintOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return FingerprintPrefix + Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    /// <summary>Loads the certificate in <paramref name="directory"/>, or generates it when missing, expiring or not naming every host.</summary>
    public static ServerCertificate LoadOrCreate(string directory, IEnumerable<string> hostNames, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(hostNames);
        ArgumentNullException.ThrowIfNull(time);
        PrivateFiles.CreateDirectory(directory);
        var names = new SortedSet<string>(["localhost", "127.0.0.1", "::1", .. hostNames.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim().ToLowerInvariant())], StringComparer.Ordinal);
        var certificatePath = Path.Combine(directory, "server.crt");
        var keyPath = Path.Combine(directory, "server.key");
        var now = time.GetUtcNow();
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            PrivateFiles.Tighten(certificatePath);
            PrivateFiles.Tighten(keyPath);
            var existing = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (existing.NotAfter.ToUniversalTime() > now.UtcDateTime + RenewBefore && names.IsSubsetOf(NamesOf(existing)))
            {
                var reused = new ServerCertificate(existing, directory, generated: false);
                PrivateFiles.WriteSecret(reused.FingerprintPath, reused.Fingerprint + "\n");
                return reused;
            }

            existing.Dispose();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=HeCompute server", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var alternative = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                alternative.AddIpAddress(address);
            }
            else
            {
                alternative.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(alternative.Build());
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now + Validity);
        PrivateFiles.WriteSecret(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        PrivateFiles.WriteSecret(certificatePath, created.ExportCertificatePem() + "\n");
        var certificate = new ServerCertificate(X509Certificate2.CreateFromPemFile(certificatePath, keyPath), directory, generated: true);
        PrivateFiles.WriteSecret(certificate.FingerprintPath, certificate.Fingerprint + "\n");
        return certificate;
    }

    private static HashSet<string> NamesOf(X509Certificate2 certificate)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            names.UnionWith(extension.EnumerateDnsNames().Select(n => n.ToLowerInvariant()));
            names.UnionWith(extension.EnumerateIPAddresses().Select(a => a.ToString()));
        }

        return names;
    }
}
