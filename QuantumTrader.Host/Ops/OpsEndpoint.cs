using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using QuantumTrader.Host.Cli;

namespace QuantumTrader.Host.Ops;

/// <summary>
/// Where and how the ops API listens: its address, its access file (<see cref="AccessFile"/>) and, for https, its
/// certificate. An address beyond this machine needs both: without the file anyone who reaches it could trigger the
/// emergency stop, and without TLS the operators' tokens would cross the network in clear.
/// </summary>
public sealed record OpsEndpoint(Uri Url, AccessFile? Access, X509Certificate2? Certificate)
{
    /// <summary>Checks the options together and opens the files; any problem is a usage error naming the option.</summary>
    public static OpsEndpoint Open(string url, string? accessFile = null, string? certificateFile = null, string? keyFile = null)
    {
        var uri = OpsApi.ParseUrl(url);
        if ((certificateFile is null) != (keyFile is null)) throw new UsageException("--tls-cert and --tls-key go together: the certificate and its private key (PEM)");
        var https = uri.Scheme == Uri.UriSchemeHttps;
        if (https && certificateFile is null)
            throw new UsageException($"--http {url}: an https address needs the certificate --tls-cert FILE and its key --tls-key FILE (PEM; 'qt access cert' makes one)");
        if (!https && certificateFile is not null) throw new UsageException($"--tls-cert is given, so listen on https://, not {url}");
        if (!uri.IsLoopback && (accessFile is null || !https))
            throw new UsageException($"--http {url} listens beyond this machine: without an access file anyone who reaches it could trigger the emergency stop " +
                                     "and promote models, and without TLS the operators' tokens would cross the network in clear. Give --ops-access FILE " +
                                     "('qt access add') and --tls-cert/--tls-key with an https:// address, or listen on 127.0.0.1");
        return new OpsEndpoint(uri, accessFile is null ? null : AccessFile.Open(accessFile), certificateFile is null ? null : Load(certificateFile, keyFile!));
    }

    private static X509Certificate2 Load(string certificateFile, string keyFile)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            // Kestrel needs a key it can use for the handshake: the PEM-loaded one is ephemeral, the PKCS#12 round trip is not.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new UsageException($"--tls-cert {certificateFile} --tls-key {keyFile}: not a PEM certificate and its private key ({ex.Message})");
        }
    }
}
