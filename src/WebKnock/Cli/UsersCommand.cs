using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebKnock.Events;
using WebKnock.Knocking;
using WebKnock.Knocking.Totp;
using WebKnock.Knocking.Users;

namespace WebKnock.Cli;

/// <summary>
/// <c>webknock users add|list|disable|enable|remove NAME</c>: the knock users the gateway keeps in its database (those of
/// <c>WebKnock:Knock:Users</c> are listed, never changed). A running gateway notices a change within 2 s and closes the
/// windows of a user disabled or removed. <c>add</c> prints the enrolment link, which holds the user's secret: give it
/// to that user only.
/// </summary>
internal sealed class UsersCommand(Func<IEnumerable<string>, IConfiguration>? configuration = null, TimeProvider? time = null) : ICliCommand
{
    public string Name => "users";

    public string Summary => "knock users (TOTP, SPA): add, list, disable, enable, remove";

    public string Usage => """
        webknock users list [--Key=Value ...]
        webknock users add NAME [--Key=Value ...]
            Creates NAME with a fresh TOTP secret and SPA keys and prints the enrolment link (it holds the
            secret: give it to that user only, e.g. as the QR code in the admin UI).
        webknock users disable NAME | enable NAME | remove NAME [--Key=Value ...]
            A running gateway closes NAME's windows within 2 s of a disable or remove.

        Users named in WebKnock:Knock:Users (the configuration) are listed but cannot be changed here.
        The database is WebKnock:Events:Path, read from the configuration as the gateway reads it.
        exit status: 0 done; 1 no such user, name taken, or a configured user; 2 usage error
        """;

    public async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var words = args.Where(a => !WebKnockConfiguration.IsSwitch(a)).ToArray();
        var switches = args.Where(WebKnockConfiguration.IsSwitch).ToArray();
        if (words is not (["list"] or ["add" or "disable" or "enable" or "remove", _]))
        {
            await error.WriteLineAsync("webknock users: say list, or add, disable, enable or remove with a NAME.");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var config = (configuration ?? (s => WebKnockConfiguration.Build(s)))(switches);
        var events = new EventStoreOptions();
        config.GetSection(EventStoreOptions.SectionName).Bind(events);
        var knock = new KnockUsersOptions();
        config.GetSection(KnockUsersOptions.SectionName).Bind(knock);
        var configured = new ConfiguredKnockUsers(Options.Create(knock));
        using var eventStore = new EventStore(events.Path, NullLogger<EventStore>.Instance);
        var store = new KnockUserStore(eventStore);

        if (words[0] == "list")
        {
            await output.WriteLineAsync($"{"NAME",-24} {"STATE",-9} SOURCE");
            foreach (var user in configured.List())
            {
                await output.WriteLineAsync($"{user.Name,-24} {(user.Enabled ? "enabled" : "disabled"),-9} configuration");
            }

            foreach (var user in store.List().Where(u => configured.Find(u.Name) is null))
            {
                await output.WriteLineAsync($"{user.Name,-24} {(user.Enabled ? "enabled" : "disabled"),-9} database");
            }

            return 0;
        }

        var name = words[1];
        if (!KnockUserNames.IsValid(name))
        {
            await error.WriteLineAsync($"webknock users: '{name}' is not a valid name (1-64 letters, digits, '.', '_', '-' or '@').");
            return 2;
        }

        if (configured.Find(name) is not null)
        {
            await error.WriteLineAsync($"webknock users: {name} is configured in {KnockUsersOptions.SectionName}:Users; change it there.");
            return 1;
        }

        switch (words[0])
        {
            case "add":
                var user = KnockUserStore.NewUser(name);
                if (!store.Add(user, (time ?? TimeProvider.System).GetUtcNow()))
                {
                    await error.WriteLineAsync($"webknock users: {name} exists already.");
                    return 1;
                }

                await output.WriteLineAsync($"added {name}");
                var options = WebKnockConfiguration.BindWebKnock(config);
                if (TotpPools.For(options, WebKnockConfiguration.BindNftables(config), ServiceNames.Webmail) is { } pool)
                {
                    await output.WriteLineAsync("enrolment link (holds the secret; for this user only):");
                    await output.WriteLineAsync(TotpEnrolment.Link(options.Webmail.Knock.Totp.KnockPage, user, pool, options.Webmail.Knock.Totp.Ports));
                }
                else
                {
                    await output.WriteLineAsync("WebKnock:Webmail:Knock:Totp:Enabled is false: no TOTP enrolment link (the admin UI shows it once enabled).");
                }

                return 0;
            case "remove":
                return await Report(store.Remove(name), $"removed {name}", name, output, error);
            default:
                var enable = words[0] == "enable";
                return await Report(store.SetEnabled(name, enable), $"{(enable ? "enabled" : "disabled")} {name}", name, output, error);
        }
    }

    private static async Task<int> Report(bool done, string message, string name, TextWriter output, TextWriter error)
    {
        if (!done)
        {
            await error.WriteLineAsync($"webknock users: no user {name} in the database.");
            return 1;
        }

        await output.WriteLineAsync(message);
        return 0;
    }
}
