using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Data;

namespace Stats.Core.Ingestion;

/// <summary>
/// The random salt of each UTC day, kept in the database so that every instance hashes alike, created by
/// whichever instance needs it first, and destroyed once the day and its grace period are over, so that
/// the day's hashes can never be recomputed (docs/domain/privacy.md#daily-salts).
/// </summary>
public sealed class DailySaltStore(IDbContextFactory<StatsDbContext> contextFactory, TimeProvider clock, IOptions<PrivacyOptions> options) : IDisposable
{
    [ThreadStatic]
    private static (byte[] Salt, IncrementalHash Hmac)? s_keyedHmac;

    private readonly ConcurrentDictionary<DateOnly, byte[]> _cache = new();
    private readonly ConcurrentDictionary<DateOnly, byte[]> _late = new();
    private readonly SemaphoreSlim _loading = new(1, 1);

    /// <summary>Whether the salt of <paramref name="day"/> is past its lifetime: the end of the day plus the grace period.</summary>
    public bool IsExpired(DateOnly day) =>
        clock.GetUtcNow().UtcDateTime >= day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) + options.Value.SaltGracePeriod;

    public async Task<byte[]> GetAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        // A late day (an import, a long backlog) gets a salt stored like any other, marked late: every instance and a
        // resumed import hash its visitors alike, and it is destroyed a grace period after the day is aggregated.
        var late = IsExpired(day);
        var cache = late ? _late : _cache;
        if (cache.TryGetValue(day, out var cached))
        {
            return cached;
        }

        // One load at a time in this process: the concurrent first events of a new day wait for it, instead of all
        // racing to insert the day's salt and all but one failing on its key.
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (cache.TryGetValue(day, out cached))
            {
                return cached;
            }

            var salt = await LoadOrCreateAsync(day, late, cancellationToken);
            if (cache.Count > (late ? 400 : 8))
            {
                cache.Clear();
            }

            return cache.GetOrAdd(day, salt);
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Dispose() => _loading.Dispose();

    private async Task<byte[]> LoadOrCreateAsync(DateOnly day, bool late, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var salt = await SaltOf(context, day).FirstOrDefaultAsync(cancellationToken);
        if (salt is null)
        {
            context.DailySalts.Add(new DailySalt { Day = day, Salt = RandomNumberGenerator.GetBytes(32), CreatedAt = clock.GetUtcNow().UtcDateTime, Late = late });
            try
            {
                await context.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another instance may have created the day's salt first: then use theirs. Any other failure
                // (the store is unavailable) goes to the caller as it is.
                salt = await SaltWrittenMeanwhileAsync(day, cancellationToken);
                if (salt is null)
                {
                    throw;
                }
            }

            salt ??= context.DailySalts.Local.First(s => s.Day == day).Salt;
        }

        return salt;
    }

    /// <summary>The stored salt of a day. Exposed for the translation tests of every provider.</summary>
    internal static IQueryable<byte[]> SaltOf(StatsDbContext context, DateOnly day) =>
        context.DailySalts.AsNoTracking().Where(s => s.Day == day).Select(s => s.Salt);

    /// <summary>
    /// Deletes every stored salt past its lifetime and returns the days destroyed: a day's salt a grace period after the
    /// day; a late salt once its day is aggregated, unchanged since, and a grace period has passed since both its creation
    /// and that aggregation.
    /// </summary>
    public async Task<IReadOnlyList<DateOnly>> DestroyExpiredAsync(CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        // A day is expired once its end plus the grace period has passed: every day up to the one before (now - grace).
        var lastExpired = DateOnly.FromDateTime((now - options.Value.SaltGracePeriod).UtcDateTime).AddDays(-1);
        var cutoff = (now - options.Value.SaltGracePeriod).UtcDateTime;
        var expired = await ExpiredSalts(context, lastExpired, cutoff).Select(s => s.Day).ToListAsync(cancellationToken);
        if (expired.Count > 0)
        {
            await ExpiredSalts(context, lastExpired, cutoff).ExecuteDeleteAsync(cancellationToken);
        }

        foreach (var day in _cache.Keys.Where(IsExpired))
        {
            _cache.TryRemove(day, out _);
        }

        foreach (var day in expired)
        {
            _late.TryRemove(day, out _);
        }

        return expired;
    }

    /// <summary>The salts <see cref="DestroyExpiredAsync"/> deletes. Exposed for the translation tests of every provider.</summary>
    internal static IQueryable<DailySalt> ExpiredSalts(StatsDbContext context, DateOnly lastExpiredDay, DateTime cutoff) =>
        context.DailySalts.Where(s => s.Day <= lastExpiredDay
            && (!s.Late
                || (s.CreatedAt <= cutoff
                    && !context.DirtyDays.Any(d => d.Day == s.Day)
                    && context.AggregatedDays.Any(a => a.Day == s.Day && a.AggregatedAt <= cutoff))));

    private async Task<byte[]?> SaltWrittenMeanwhileAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var reread = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await SaltOf(reread, day).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>A 64-bit keyed hash: enough to tell visitors apart, useless without the day's salt.</summary>
    public static long Hash(byte[] salt, string value)
    {
        // Keying an HMAC costs more than hashing a visitor key with it, and every event hashes twice: each thread keeps
        // the HMAC of the salt it used last (today's, in steady state). IncrementalHash is not thread-safe, hence per thread.
        var keyed = s_keyedHmac;
        if (keyed is null || !ReferenceEquals(keyed.Value.Salt, salt))
        {
            keyed?.Hmac.Dispose();
            keyed = (salt, IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, salt));
            s_keyedHmac = keyed;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        byte[]? rented = null;
        Span<byte> utf8 = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        keyed.Value.Hmac.AppendData(utf8[..Encoding.UTF8.GetBytes(value, utf8)]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        Span<byte> digest = stackalloc byte[32];
        keyed.Value.Hmac.GetHashAndReset(digest);
        return BitConverter.ToInt64(digest[..8]);
    }
}
