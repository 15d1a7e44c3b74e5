using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
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

/// <summary>
/// Whom a key of the <c>read</c> scope reads statistics as: access rules treat it like an anonymous visitor, a signed-in user
/// (no ownership, no curation) or an admin. <see cref="SignedIn"/> is 0: the keys made before roles existed read as it.
/// </summary>
public enum ApiKeyRole : byte
{
    SignedIn = 0,
    Public = 1,
    Admin = 2,
}

/// <summary>A key as shown in lists: never its secret.</summary>
public sealed record ApiKeyInfo(
    int Id, string Name, string Prefix, IReadOnlyList<string> Scopes, ApiKeyRole ReadsAs, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <summary>A key that authenticated a request.</summary>
public sealed record ApiKeyIdentity(int Id, string Name, string Prefix, IReadOnlySet<string> Scopes, ApiKeyRole ReadsAs = ApiKeyRole.SignedIn)
{
    /// <summary>The viewer the access rules see behind this key, or null when the key may not read statistics.</summary>
    public StatsViewer? Viewer =>
        Scopes.Contains(ApiScopes.Admin) ? new StatsViewer(true, null, Name, IsAdmin: true, StatsViewer.Anonymous.CuratedCommunities)
        : !Scopes.Contains(ApiScopes.Read) ? null
        : ReadsAs switch
        {
            ApiKeyRole.Admin => new StatsViewer(true, null, Name, IsAdmin: true, StatsViewer.Anonymous.CuratedCommunities),
            ApiKeyRole.Public => StatsViewer.Anonymous,
            _ => new StatsViewer(true, null, Name, IsAdmin: false, StatsViewer.Anonymous.CuratedCommunities),
        };
}

/// <summary>The <c>Stats:Access</c> settings.</summary>
public sealed class AccessOptions
{
    public const string SectionName = "Stats:Access";

    /// <summary>Whom a new <c>read</c> key reads statistics as unless its creator says otherwise: Public, SignedIn or Admin.</summary>
    public ApiKeyRole ApiKeyReadsAs { get; set; } = ApiKeyRole.SignedIn;

    /// <summary>How often an instance reloads the access rules to see other instances' changes (its own apply at once).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int RuleReloadSeconds { get; set; } = 5;
}

/// <summary>
/// API keys: <c>stats_&lt;prefix&gt;_&lt;secret&gt;</c>. The prefix finds the key; only a SHA-256 of the secret is
/// stored (the secret is 256 random bits, so a slow password hash would add nothing). Verified keys are cached
/// briefly so that single-event requests do not each cost a database read; a revocation takes effect at once on this
/// instance and within that time on the others. The last use is written at most once a minute per key.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<StatsDbContext> contextFactory, TimeProvider clock, IOptions<AccessOptions>? options = null)
{
    public static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(30);

    /// <summary>How stale a key's "last used" may be: writing it on every request would make each request a write.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    private readonly ConcurrentDictionary<string, (ApiKeyIdentity? Identity, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, DateTimeOffset> _lastUseWritten = new();

    /// <summary>Whom a new read key reads as when its creator does not say.</summary>
    public ApiKeyRole DefaultReadsAs => options?.Value.ApiKeyReadsAs ?? ApiKeyRole.SignedIn;

    /// <summary>Creates a key and returns it with its secret, which is never shown again.</summary>
    public Task<(ApiKeyInfo Info, string Key)> CreateAsync(string name, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken = default) =>
        CreateAsync(name, scopes, readsAs: null, cancellationToken);

    /// <summary>Creates a key that reads as <paramref name="readsAs"/> (the configured default when null); the secret is never shown again.</summary>
    public async Task<(ApiKeyInfo Info, string Key)> CreateAsync(
        string name, IReadOnlyCollection<string> scopes, ApiKeyRole? readsAs, CancellationToken cancellationToken = default)
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
            ReadsAs = readsAs ?? DefaultReadsAs,
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
                ? new ApiKeyIdentity(key.Id, key.Name, key.Prefix, key.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal), key.ReadsAs)
                : null;
            cached = (identity, now + CacheTime);
            if (_cache.Count > 10_000)
            {
                _cache.Clear();
            }

            _cache[cacheKey] = cached;
        }

        if (cached.Identity is { } used)
        {
            await NoteUseAsync(used.Id, now, cancellationToken);
        }

        return cached.Identity;
    }

    private async Task NoteUseAsync(int id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_lastUseWritten.TryGetValue(id, out var written) && now - written < LastUsedResolution)
        {
            return;
        }

        _lastUseWritten[id] = now;
        try
        {
            await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
            var at = now.UtcDateTime;
            await KeyById(context, id).ExecuteUpdateAsync(k => k.SetProperty(x => x.LastUsedAt, at), cancellationToken);
        }
        catch (Exception ex) when (StoreOutage.IsOutage(ex))
        {
            // "Last used" is a hint for admins: a busy or unavailable store must not fail the request that used the key.
        }
    }

    // The service's queries, one definition each, exposed for the translation tests of every provider.

    internal static IQueryable<ApiKey> AllKeys(StatsDbContext context) => context.ApiKeys.AsNoTracking().OrderBy(k => k.Id);

    internal static IQueryable<ApiKey> KeyByPrefix(StatsDbContext context, string prefix) =>
        context.ApiKeys.AsNoTracking().Where(k => k.Prefix == prefix);

    internal static IQueryable<ApiKey> KeyByPrefixOrId(StatsDbContext context, string prefix, int id) =>
        context.ApiKeys.Where(k => k.Prefix == prefix || k.Id == id);

    internal static IQueryable<ApiKey> KeyById(StatsDbContext context, int id) => context.ApiKeys.Where(k => k.Id == id);

    private static ApiKeyInfo Info(ApiKey k) =>
        new(k.Id, k.Name, k.Prefix, k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), k.ReadsAs, k.CreatedAt, k.LastUsedAt, k.RevokedAt);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
