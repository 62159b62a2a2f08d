using System.Diagnostics;
using WebKnock.Knocking.Users;

namespace WebKnock.Knocking.Spa.Tests;

public sealed class FwknopRcTests
{
    [Fact]
    public void The_stanza_names_the_server_the_user_and_both_keys()
    {
        var stanza = FwknopRc.Stanza(SpaFixtures.User(), "mail.example.org", 62201);
        var lines = stanza.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("[mail.example.org]", lines[0]);
        var values = lines.Skip(1).Select(l => l.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries)).ToDictionary(p => p[0], p => p[1].Trim());
        Assert.Equal("mail.example.org", values["SPA_SERVER"]);
        Assert.Equal("62201", values["SPA_SERVER_PORT"]);
        Assert.Equal("alice", values["SPOOF_USER"]);
        Assert.Equal("source", values["ALLOW_IP"]);
        Assert.Equal("tcp/443", values["ACCESS"]);
        Assert.Equal(SpaFixtures.Key, values["KEY_BASE64"]);
        Assert.Equal(SpaFixtures.HmacKey, values["HMAC_KEY_BASE64"]);
        Assert.Equal("Y", values["USE_HMAC"]);
    }

    [Fact]
    public void A_user_without_spa_keys_has_no_stanza()
    {
        Assert.Throws<InvalidOperationException>(() => FwknopRc.Stanza(new KnockUser("bob", true, new byte[20], [], []), "mail.example.org"));
    }

    [FwknopFact]
    public void The_installed_client_reads_the_stanza_and_its_packet_decodes()
    {
        var home = Directory.CreateTempSubdirectory("wk-fwknoprc-");
        try
        {
            var rc = Path.Combine(home.FullName, ".fwknoprc");
            File.WriteAllText(rc, FwknopRc.Stanza(SpaFixtures.User(), "198.51.100.1"));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite); // fwknop warns about a readable rc file
            }
            var packetFile = Path.Combine(home.FullName, "packet");
            var start = new ProcessStartInfo(FwknopClient.Path, ["-n", "198.51.100.1", "--test", "-B", packetFile, "--rc-file", rc])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["HOME"] = home.FullName;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(10_000));
            Assert.True(process.ExitCode == 0, error + output.Result);

            var result = SpaDecoder.Decode(File.ReadAllBytes(packetFile), [SpaFixtures.User()]);

            Assert.Equal(SpaOutcome.Accepted, result.Outcome);
            Assert.Equal("0.0.0.0", result.Message!.Address);
            Assert.Equal(443, result.Message.Ports.Single().Port);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
