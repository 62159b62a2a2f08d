using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace WebKnock.Tests.Admin.Browser;

/// <summary>
/// The whole gateway on a real Kestrel port on 127.0.0.1 (HTTPS with a throw-away certificate, the real clock,
/// the in-memory firewall), for a real browser. The admin is on, served to 127.0.0.1 without a window.
/// </summary>
internal sealed class KestrelGateway : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("webknock-browser-").FullName;
    private readonly Dictionary<string, string?> _settings;

    public KestrelGateway(Dictionary<string, string?> settings)
    {
        var (cert, key) = WriteCertificate(_folder);
        _settings = new Dictionary<string, string?>
        {
            ["WebKnock:Firewall:Backend"] = "InMemory",
            ["WebKnock:LogFile"] = "",
            ["WebKnock:Events:Path"] = Path.Combine(_folder, "events.db"),
            ["WebKnock:Upstream:Url"] = "http://127.0.0.1:9/", // no webmail is browsed
            ["WebKnock:Admin:Networks:0"] = "127.0.0.1/32",
            ["Kestrel:Endpoints:Https:Url"] = "https://127.0.0.1:0",
            ["Kestrel:Endpoints:Https:Certificate:Path"] = cert,
            ["Kestrel:Endpoints:Https:Certificate:KeyPath"] = key,
        };
        foreach (var (name, value) in settings)
        {
            _settings[name] = value;
        }

        UseKestrel();
    }

    /// <summary>Where the gateway listens, for example https://127.0.0.1:40123.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public void Start()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (name, value) in _settings)
        {
            builder.UseSetting(name, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open at exit: it is in the temporary folder anyway.
        }
    }

    private static (string Cert, string Key) WriteCertificate(string folder)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var cert = Path.Combine(folder, "fullchain.pem");
        var key = Path.Combine(folder, "privkey.pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }
}
