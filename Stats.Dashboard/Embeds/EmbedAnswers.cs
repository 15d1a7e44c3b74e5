using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Stats.Core.Access;
using Stats.Core.Queries;

namespace Stats.Dashboard.Embeds;

/// <summary>One answer of an embed, badge or embed JSON, ready to send: its bytes, type and entity tag.</summary>
public sealed record EmbedAnswer(byte[] Body, string ContentType, string ETag);

/// <summary>
/// Computes the embeds' answers and keeps each for the cache time (<see cref="EmbedOptions.CacheSeconds"/>), the same
/// time browsers and proxies are told: an embed on every record page of a busy repository then costs one aggregate
/// query per distinct answer and cache period, and a revalidation (<c>If-None-Match</c>) costs a look-up. Concurrent
/// requests for an answer not kept yet share one computation.
/// </summary>
public sealed class EmbedAnswers : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly IAccessPolicy _policy;
    private readonly IEmbedStats _stats;
    private readonly IUsageStats _usage;
    private readonly TimeProvider _clock;
    private readonly EmbedOptions _options;

    public EmbedAnswers(IAccessPolicy policy, IEmbedStats stats, IUsageStats usage, TimeProvider clock, IOptions<EmbedOptions> options)
    {
        _policy = policy;
        _stats = stats;
        _usage = usage;
        _clock = clock;
        _options = options.Value;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = _options.MaxCachedAnswers });
    }

    public int CacheSeconds => _options.CacheSeconds;

    /// <summary>The answer of <paramref name="key"/> (which names everything the answer depends on), computed at most once per cache time.</summary>
    public async Task<EmbedAnswer> GetAsync(
        string key, EmbedSubject subject, string id, EmbedQuery query, Func<EmbedData, (byte[] Body, string ContentType)> render)
    {
        if (_options.CacheSeconds == 0)
        {
            return await ComputeAsync(subject, id, query, render);
        }

        var entry = _cache.GetOrCreate(key, e =>
        {
            e.Size = 1;
            e.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(_options.CacheSeconds);
            // The computation is shared by every request that comes before it ends: it must not stop when the first one leaves.
            return new Lazy<Task<EmbedAnswer>>(() => ComputeAsync(subject, id, query, render));
        })!;
        try
        {
            return await entry.Value;
        }
        catch
        {
            // A failure (the store down) is not kept: the next request tries again.
            _cache.Remove(key);
            throw;
        }
    }

    public void Dispose() => _cache.Dispose();

    private async Task<EmbedAnswer> ComputeAsync(EmbedSubject subject, string id, EmbedQuery query, Func<EmbedData, (byte[] Body, string ContentType)> render)
    {
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var data = await EmbedData.LoadAsync(_policy, _stats, _usage, subject, id, query, today, CancellationToken.None);
        var (body, contentType) = render(data);
        return new EmbedAnswer(body, contentType, ETagOf(body));
    }

    /// <summary>A strong entity tag from the body itself: equal bodies, equal tags, whichever server instance computed them.</summary>
    internal static string ETagOf(byte[] body) => $"\"{Convert.ToBase64String(SHA256.HashData(body), 0, 12).TrimEnd('=').Replace('+', '-').Replace('/', '_')}\"";
}
