using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WebKnock.Admin;

/// <summary>
/// Administrator password hashes: PBKDF2 with HMAC-SHA256, a 16-byte random salt and (by default) 600,000
/// iterations (OWASP's figure for PBKDF2-HMAC-SHA256), written <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> with
/// base64 salt and hash. The iteration count travels with the hash, so it can be raised later without
/// invalidating the hashes already configured.
/// </summary>
public sealed class AdminPasswordHash
{
    public const string Scheme = "pbkdf2-sha256";
    public const int DefaultIterations = 600_000;

    /// <summary>Hashes with fewer iterations than this are refused at start: too cheap to guess offline.</summary>
    public const int MinIterations = 100_000;

    public const int SaltBytes = 16;
    public const int HashBytes = 32;

    private const int MaxIterations = 100_000_000;

    private AdminPasswordHash(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        Salt = salt;
        Hash = hash;
    }

    public int Iterations { get; }

    public byte[] Salt { get; }

    public byte[] Hash { get; }

    /// <summary>A new hash of the password, with a fresh random salt.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Parses a configured hash; on failure says what is wrong with it (never echoing it).</summary>
    public static bool TryParse(string? text, out AdminPasswordHash? parsed, out string problem)
    {
        parsed = null;
        var parts = (text ?? "").Split('$');
        if (parts.Length != 4 || parts[0] != Scheme)
        {
            problem = $"is not a \"{Scheme}$ITERATIONS$SALT$HASH\" hash; make one with 'webknock hash-password'";
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations is < MinIterations or > MaxIterations)
        {
            problem = $"needs an iteration count between {MinIterations} and {MaxIterations}; make a new hash with 'webknock hash-password'";
            return false;
        }

        var salt = FromBase64(parts[2]);
        var hash = FromBase64(parts[3]);
        if (salt is not { Length: >= SaltBytes } || hash is not { Length: HashBytes })
        {
            problem = $"needs a base64 salt of at least {SaltBytes} bytes and a base64 hash of {HashBytes} bytes";
            return false;
        }

        parsed = new AdminPasswordHash(iterations, salt, hash);
        problem = "";
        return true;
    }

    /// <summary>Whether the password matches; the comparison takes the same time wherever the bytes differ.</summary>
    public bool Verify(string password) => CryptographicOperations.FixedTimeEquals(Derive(password, Salt, Iterations), Hash);

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);

    private static byte[]? FromBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
