using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using WebKnock.Configuration;
using WebKnock.Hosting;

namespace WebKnock.Tests.Hosting;

/// <summary>A bad setting stops the start with one line that names the key and the form its value takes.</summary>
public sealed class StartupFailureTests
{
    [Theory]
    [InlineData("WebKnock:Webmail:Window", "abc", "a time span as [d.]hh:mm[:ss]")]
    [InlineData("WebKnock:Network:MaxConnectionsPerAddress", "lots", "a whole number")]
    [InlineData("WebKnock:Webmail:Knock:BrowserKnock", "maybe", "true or false")]
    [InlineData("WebKnock:Sessions:OnLastSessionIdle", "Never", "one of CloseWindow, KeepUntilDeadline")]
    public void A_value_the_binder_cannot_convert_is_described_by_key_and_form(string key, string value, string form)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var ex = Assert.Throws<InvalidOperationException>(() => configuration.GetSection(WebKnockOptions.SectionName).Get<WebKnockOptions>());

        var line = StartupFailure.Describe(new AggregateException(ex));

        Assert.NotNull(line);
        Assert.StartsWith("webknock: configuration error: " + key + " (got \"" + value + "\") must be " + form, line);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void The_value_of_a_secret_key_is_never_shown()
    {
        var ex = new InvalidOperationException("Failed to convert configuration value 'hunter2' at 'WebKnock:Admin:PasswordHash' to type 'System.Int32'.");

        var line = StartupFailure.Describe(ex);

        Assert.Equal("webknock: configuration error: WebKnock:Admin:PasswordHash must be a whole number, for example 30", line);
    }

    [Fact]
    public void Anything_else_is_not_a_configuration_error()
    {
        Assert.Null(StartupFailure.Describe(new InvalidOperationException("Something else broke.")));
        Assert.Null(StartupFailure.Describe(new IOException("disk")));
    }

    [Theory]
    [InlineData("--WebKnock:Webmail:Window=abc", "WebKnock:Webmail:Window (got \"abc\") must be a time span")]
    [InlineData("--WebKnock:Sessions:MaxSessionsPerAddress=many", "WebKnock:Sessions:MaxSessionsPerAddress (got \"many\") must be a whole number")]
    [InlineData("--WebKnock:Webmail:Knock:BrowserKnock=yes please", "WebKnock:Webmail:Knock:BrowserKnock (got \"yes please\") must be true or false")]
    [InlineData("--WebKnock:Webmail:Knock:Ports:0=0", "WebKnock:Webmail:Knock:Ports:0 must be a port between 1 and 65535")]
    public async Task The_program_started_with_a_bad_value_exits_with_one_line(string setting, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("webknock-startup-");
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = folder.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "webknock.dll"));
            start.ArgumentList.Add(setting);
            start.ArgumentList.Add("--WebKnock:Firewall:Backend=InMemory");
            start.ArgumentList.Add("--WebKnock:LogFile=");
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);

            Assert.Equal(StartupFailure.ExitCode, process.ExitCode);
            var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("webknock: configuration error: " + expected, Assert.Single(lines)[..("webknock: configuration error: " + expected).Length]);
            Assert.Equal(string.Empty, (await stdout).Trim());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
