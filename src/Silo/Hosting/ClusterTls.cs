using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace Grokking.Silo.Hosting;

/// <summary>
/// Mutual TLS between silos and between clients and silos' gateways (Orleans.Connections.Security). Every party
/// presents a certificate (PEM certificate and key) and accepts only peers whose certificate chains to the cluster's
/// certificate authority (a PEM file, e.g. the CA a Kubernetes cert-manager issuer signs with); host names are not
/// checked, since pods' addresses change. A self-signed certificate is its own authority. Off unless configured:
/// GROKKING_TLS_CERTIFICATE, GROKKING_TLS_KEY and GROKKING_TLS_CA (or the silo's --tls-* flags), all three or none.
/// </summary>
public sealed class ClusterTls
{
    public const string CertificateVariable = "GROKKING_TLS_CERTIFICATE", KeyVariable = "GROKKING_TLS_KEY", AuthorityVariable = "GROKKING_TLS_CA";

    private ClusterTls(X509Certificate2 certificate, X509Certificate2 authority)
    {
        Certificate = certificate;
        Authority = authority;
    }

    /// <summary>This party's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The authority every peer's certificate must chain to.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>From the three GROKKING_TLS_* variables; null when none is set.</summary>
    /// <exception cref="TlsConfigurationException">Only some are set, or a file is missing or not PEM.</exception>
    public static ClusterTls? FromEnvironment() =>
        From(Environment.GetEnvironmentVariable(CertificateVariable), Environment.GetEnvironmentVariable(KeyVariable),
            Environment.GetEnvironmentVariable(AuthorityVariable));

    /// <summary>From the three files; null when all three are empty.</summary>
    /// <exception cref="TlsConfigurationException">Only some are given, or a file is missing or not PEM.</exception>
    public static ClusterTls? From(string? certificate, string? key, string? authority)
    {
        var given = new[] { certificate, key, authority }.Count(p => !string.IsNullOrEmpty(p));
        if (given == 0) return null;
        if (given < 3)
            throw new TlsConfigurationException(
                $"TLS needs all three of --tls-certificate / {CertificateVariable}, --tls-key / {KeyVariable} and --tls-ca / {AuthorityVariable} (PEM files); {given} of them given");
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificate!, key!);
            // Re-imported from PKCS#12 so the private key is usable by SslStream on every platform.
            var usable = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            var ca = X509CertificateLoader.LoadCertificateFromFile(authority!);
            return new ClusterTls(usable, ca);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new TlsConfigurationException($"cannot load the TLS certificate {certificate}, key {key} or authority {authority}: {e.Message.TrimEnd('.')}; accepted: PEM files");
        }
    }

    /// <summary>Mutual TLS: present our certificate, require the peer's, accept it only if it chains to the authority.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, _, _) => IssuedByAuthority(certificate);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to <see cref="Authority"/> (and to nothing else).</summary>
    public bool IssuedByAuthority(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        return chain.Build(certificate);
    }
}

/// <summary>The TLS settings are incomplete or unreadable (exit code 2: bad input).</summary>
public sealed class TlsConfigurationException(string message) : Exception(message);
