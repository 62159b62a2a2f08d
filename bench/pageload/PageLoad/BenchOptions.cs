namespace PageLoad;

internal sealed record Target(string Name, string Url);

internal sealed record BenchOptions(IReadOnlyList<Target> Targets, int Rounds, int Warmup, string User, string Password, string Chromium)
{
    public static BenchOptions Parse(string[] args)
    {
        var targets = new List<Target>();
        int rounds = 50, warmup = 3;
        string user = "alice", password = "alice-pw", chromium = "/usr/bin/chromium";
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            i++;
            switch (args[i - 1])
            {
                case "--target":
                    var eq = value.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0 || !Uri.TryCreate(value[(eq + 1)..], UriKind.Absolute, out var url))
                    {
                        throw new ArgumentException($"--target wants NAME=URL, not '{value}'");
                    }

                    targets.Add(new Target(value[..eq], url.ToString()));
                    break;
                case "--rounds":
                    rounds = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--warmup":
                    warmup = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--user":
                    user = value;
                    break;
                case "--password":
                    password = value;
                    break;
                case "--chromium":
                    chromium = value;
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i - 1]}");
            }
        }

        if (targets.Count == 0 || rounds < 1 || warmup < 0)
        {
            throw new ArgumentException("want at least one --target, --rounds >= 1 and --warmup >= 0");
        }

        return new BenchOptions(targets, rounds, warmup, user, password, chromium);
    }
}
