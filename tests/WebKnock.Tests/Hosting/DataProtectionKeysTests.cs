using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Hosting;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataProtectionKeysTests
{
    [Fact]
    public async Task Keys_are_kept_in_the_configured_folder_so_a_restarted_gateway_reads_what_the_last_one_protected()
    {
        var folder = Directory.CreateTempSubdirectory("wk-keys-").FullName;
        try
        {
            var settings = new Dictionary<string, string?> { ["WebKnock:KeysPath"] = folder };
            string protectedText;
            await using (var first = await GatewayHarness.StartAsync(settings))
            {
                protectedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("admin session");
            }

            Assert.NotEmpty(Directory.GetFiles(folder, "key-*.xml"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder) & (UnixFileMode)0b111_111_111);

            await using var second = await GatewayHarness.StartAsync(settings);
            Assert.Equal("admin session", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Without_a_configured_folder_the_keys_go_beside_the_event_store()
    {
        var folder = Directory.CreateTempSubdirectory("wk-store-").FullName;
        try
        {
            await using (var gateway = await GatewayHarness.StartAsync(new Dictionary<string, string?> { ["WebKnock:Events:Path"] = Path.Combine(folder, "events.db") }))
            {
                gateway.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("x");
            }

            Assert.NotEmpty(Directory.GetFiles(Path.Combine(folder, "keys"), "key-*.xml"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
