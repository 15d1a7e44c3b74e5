using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Access;

/// <summary>What an API key may do.</summary>
public static class ApiScopes
{
    public const string Ingest = "ingest";
    public const string Read = "read";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Ingest, Read, Admin];
}

/// <summary>A key as shown in lists: never its secret.</summary>
public sealed record ApiKeyInfo(int Id, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTime CreatedAt, DateTime? RevokedAt);

/// <summary>A key that authenticated a request.</summary>
public sealed record ApiKeyIdentity(int Id, string Name, string Prefix, IReadOnlySet<string> Scopes);

/// <summary>
/// API keys: <c>stats_&lt;prefix&gt;_&lt;secret&gt;</c>. The prefix finds the key; only a SHA-256 of the secret is
/// stored (the secret is 256 random bits, so a slow password hash would add nothing). Verified keys are cached
/// briefly so that single-event requests do not each cost a database read; a revocation takes effect within
/// that time on every instance.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<StatsDbContext> contextFactory, TimeProvider clock)
{
    public static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(30);

    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    private readonly ConcurrentDictionary<string, (ApiKeyIdentity? Identity, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates a key and returns it with its secret, which is never shown again.</summary>
    public async Task<(ApiKeyInfo Info, string Key)> CreateAsync(string name, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A key needs a name.", nameof(name));
        }

        var unknown = scopes.Except(ApiScopes.All, StringComparer.Ordinal).ToList();
        if (scopes.Count == 0 || unknown.Count > 0)
        {
            throw new ArgumentException($"Scopes must be among: {string.Join(", ", ApiScopes.All)}" + (unknown.Count > 0 ? $" (not {string.Join(", ", unknown)})." : "."), nameof(scopes));
        }

        var prefix = RandomNumberGenerator.GetString(Alphabet, 10);
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var entity = new ApiKey
        {
            Name = name.Trim(),
            Prefix = prefix,
            SecretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret)),
            Scopes = string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        context.ApiKeys.Add(entity);
        await context.SaveChangesAsync(cancellationToken);
        return (Info(entity), $"stats_{prefix}_{secret}");
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var keys = await AllKeys(context).ToListAsync(cancellationToken);
        return [.. keys.Select(Info)];
    }

    /// <summary>Revokes a key by its prefix or id; false when there is no such key.</summary>
    public async Task<bool> RevokeAsync(string prefixOrId, CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var id = int.TryParse(prefixOrId, out var parsed) ? parsed : -1;
        var key = await KeyByPrefixOrId(context, prefixOrId, id).FirstOrDefaultAsync(cancellationToken);
        if (key is null)
        {
            return false;
        }

        key.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await context.SaveChangesAsync(cancellationToken);
        foreach (var entry in _cache.Keys.Where(k => k.StartsWith(key.Prefix + ":", StringComparison.Ordinal)))
        {
            _cache.TryRemove(entry, out _);
        }
        return true;
    }

    /// <summary>The identity behind a presented key, or null when the key is malformed, unknown, wrong or revoked.</summary>
    public async Task<ApiKeyIdentity?> VerifyAsync(string presented, CancellationToken cancellationToken = default)
    {
        var parts = presented.Split('_', 3);
        if (parts.Length != 3 || parts[0] != "stats" || parts[1].Length != 10 || parts[2].Length == 0)
        {
            return null;
        }

        var (prefix, secret) = (parts[1], parts[2]);
        var now = clock.GetUtcNow();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        var cacheKey = prefix + ":" + Convert.ToHexString(hash);
        if (!_cache.TryGetValue(cacheKey, out var cached) || cached.Until < now)
        {
            await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
            var key = await KeyByPrefix(context, prefix).FirstOrDefaultAsync(cancellationToken);
            var identity = key is not null && key.RevokedAt is null && CryptographicOperations.FixedTimeEquals(key.SecretHash, hash)
                ? new ApiKeyIdentity(key.Id, key.Name, key.Prefix, key.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal))
                : null;
            cached = (identity, now + CacheTime);
            if (_cache.Count > 10_000)
            {
                _cache.Clear();
            }

            _cache[cacheKey] = cached;
        }

        return cached.Identity;
    }

    // The service's queries, one definition each, exposed for the translation tests of every provider.

    internal static IQueryable<ApiKey> AllKeys(StatsDbContext context) => context.ApiKeys.AsNoTracking().OrderBy(k => k.Id);

    internal static IQueryable<ApiKey> KeyByPrefix(StatsDbContext context, string prefix) =>
        context.ApiKeys.AsNoTracking().Where(k => k.Prefix == prefix);

    internal static IQueryable<ApiKey> KeyByPrefixOrId(StatsDbContext context, string prefix, int id) =>
        context.ApiKeys.Where(k => k.Prefix == prefix || k.Id == id);

    private static ApiKeyInfo Info(ApiKey k) =>
        new(k.Id, k.Name, k.Prefix, k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), k.CreatedAt, k.RevokedAt);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
