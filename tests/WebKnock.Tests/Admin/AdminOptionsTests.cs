using Microsoft.Extensions.Options;
using WebKnock.Admin;
using WebKnock.Configuration;
using WebKnock.Tests.Infrastructure;

namespace WebKnock.Tests.Admin;

public sealed class AdminOptionsTests
{
    public static TheoryData<string, string, string> Bad => new()
    {
        { "WebKnock:Admin:Users:0:PasswordHash", "secret", "WebKnock:Admin:Users:0:PasswordHash is not a" },
        { "WebKnock:Admin:Users:0:PasswordHash", AdminPasswordHash.Create("pw", 1000), "iteration count" },
        { "WebKnock:Admin:Users:0:PasswordHash", "pbkdf2-sha256$600000$c2hvcnQ=$AAAA", "salt" },
        { "WebKnock:Admin:Users:0:Name", "", "WebKnock:Admin:Users:0:Name" },
        { "WebKnock:Admin:Networks:0", "10.0.0.0/33", "WebKnock:Admin:Networks:0" },
        { "WebKnock:Admin:Path", "admin", "WebKnock:Admin:Path" },
        { "WebKnock:Admin:Path", "/admin/", "WebKnock:Admin:Path" },
        { "WebKnock:Admin:Path", "/.webknock", "overlaps WebKnock:PathPrefix" },
        { "WebKnock:Admin:MaxFailedSignIns", "0", "WebKnock:Admin:MaxFailedSignIns" },
        { "WebKnock:Admin:MaxConcurrentVerifications", "0", "WebKnock:Admin:MaxConcurrentVerifications" },
        { "WebKnock:Admin:Lockout", "00:00:00", "WebKnock:Admin:Lockout" },
        { "WebKnock:Admin:SessionLifetime", "00:00:10", "WebKnock:Admin:SessionLifetime" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task A_bad_admin_setting_stops_the_start_naming_the_key(string key, string value, string message)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var gw = await AdminSite.StartAsync((key, value));
        });

        var validation = FindValidation(ex);
        Assert.NotNull(validation);
        Assert.Contains(message, validation.Message);
        Assert.Contains(key, validation.Message);
        if (key.EndsWith("PasswordHash", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(value, validation.Message); // a hash is a secret too: never in a message
        }
    }

    [Fact]
    public void Two_administrators_of_one_name_are_refused()
    {
        var options = new AdminOptions
        {
            Users = [new() { Name = "root", PasswordHash = AdminSite.Hash }, new() { Name = "Root", PasswordHash = AdminSite.Hash }],
        };

        var result = new AdminOptionsValidator(Options.Create(new WebKnockOptions())).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("WebKnock:Admin:Users:1:Name repeats", result.FailureMessage);
    }

    [Fact]
    public void The_defaults_are_valid_and_leave_the_admin_off()
    {
        var options = new AdminOptions();

        Assert.True(new AdminOptionsValidator(Options.Create(new WebKnockOptions())).Validate(null, options).Succeeded);
        Assert.False(options.Enabled);
        Assert.Equal(("/admin", 5, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30)), (options.Path, options.MaxFailedSignIns, options.Lockout, options.SessionLifetime));
    }

    private static OptionsValidationException? FindValidation(Exception? ex) => ex switch
    {
        null => null,
        OptionsValidationException v => v,
        AggregateException a => a.InnerExceptions.Select(FindValidation).FirstOrDefault(v => v is not null),
        _ => FindValidation(ex.InnerException),
    };
}
