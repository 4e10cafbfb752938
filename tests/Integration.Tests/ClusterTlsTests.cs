using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Grokking.Integration.Tests;

/// <summary>
/// Mutual TLS on loopback: a silo started with a certificate from the cluster's authority accepts a client holding
/// another certificate from that authority, and refuses a client without TLS and one whose certificate another
/// authority issued. The certificates are generated here, the authority's key never leaves the test.
/// </summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private LoopbackCluster _cluster = null!;
    private string _folder = "";

    public async Task InitializeAsync()
    {
        _cluster = await LoopbackCluster.StartAsync("tls");
        _folder = Path.Combine(_cluster.Scratch, "pki");
        Directory.CreateDirectory(_folder);
    }

    [Fact]
    public async Task Silo_and_client_with_certificates_from_one_authority_talk_and_others_are_refused()
    {
        using var authority = Authority("grokking-test-ca");
        using var stranger = Authority("someone-else");
        var silo = Issue(authority, "silo");
        var client = Issue(authority, "client");
        var forged = Issue(stranger, "forged");
        var ca = Write("ca.crt", authority.ExportCertificatePem());

        var siloEnv = Environment(silo, ca);
        _cluster.StartSilo(slots: 1, environment: siloEnv);
        // The silo is up once a TLS client gets an answer (status of an unknown sweep: exit 2 with its message).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        (int Code, string Output) answer;
        while (true)
        {
            answer = _cluster.Grokking(Environment(client, ca), "status", "nothing-here");
            if (answer.Output.Contains("no sweep named 'nothing-here'", StringComparison.Ordinal) || DateTime.UtcNow > deadline) break;
            await Task.Delay(1000);
        }
        Assert.True(answer.Code == 2 && answer.Output.Contains("no sweep named 'nothing-here'", StringComparison.Ordinal),
            $"a client with a certificate from the cluster's authority got: {answer.Output}\n{_cluster.SiloOutput()}");

        var plain = _cluster.Grokking("status", "nothing-here");
        Assert.True(plain.ExitCode == 1, $"a client without TLS got exit {plain.ExitCode}: {plain.Output}");
        Assert.Contains("no silo of cluster", plain.Output);

        var refused = _cluster.Grokking(Environment(forged, Write("stranger.crt", stranger.ExportCertificatePem())), "status", "nothing-here");
        Assert.True(refused.ExitCode == 1, $"a client with another authority's certificate got exit {refused.ExitCode}: {refused.Output}");
        Assert.Contains("no silo of cluster", refused.Output);
    }

    [Fact]
    public void Incomplete_tls_settings_are_refused_in_one_line()
    {
        var (code, output) = ChildProcess.Run(TimeSpan.FromSeconds(30),
            new Dictionary<string, string> { ["GROKKING_TLS_CERTIFICATE"] = "/nowhere/silo.crt" }, "Grokking.Silo",
            "--redis", _cluster.Redis.ConnectionString, "--health-port", "0");
        Assert.True(code == 2, $"exit {code}: {output}");
        Assert.Contains("TLS needs all three of --tls-certificate / GROKKING_TLS_CERTIFICATE", output);
    }

    private Dictionary<string, string> Environment((string Certificate, string Key) party, string ca) => new()
    {
        ["GROKKING_TLS_CERTIFICATE"] = party.Certificate, ["GROKKING_TLS_KEY"] = party.Key, ["GROKKING_TLS_CA"] = ca,
    };

    private static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>A leaf certificate for server and client authentication signed by <paramref name="authority"/>, as PEM files.</summary>
    private (string Certificate, string Key) Issue(X509Certificate2 authority, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(8);
        using var leaf = request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        return (Write(name + ".crt", leaf.ExportCertificatePem()), Write(name + ".key", key.ExportPkcs8PrivateKeyPem()));
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, pem);
        return path;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();
}
