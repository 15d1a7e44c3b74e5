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
    private readonly ConcurrentDictionary<DateOnly, byte[]> _ephemeral = new();
    private readonly SemaphoreSlim _loading = new(1, 1);

    /// <summary>Whether the salt of <paramref name="day"/> is past its lifetime: the end of the day plus the grace period.</summary>
    public bool IsExpired(DateOnly day) =>
        clock.GetUtcNow().UtcDateTime >= day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) + options.Value.SaltGracePeriod;

    public async Task<byte[]> GetAsync(DateOnly day, CancellationToken cancellationToken = default)
    {
        if (IsExpired(day))
        {
            // A late event (an import, a long backlog) for a day whose salt is gone gets a salt that lives in this
            // process only: its visitors stay apart within the run, and nothing can link them to anything later.
            if (_ephemeral.Count > 400)
            {
                _ephemeral.Clear();
            }

            return _ephemeral.GetOrAdd(day, _ => RandomNumberGenerator.GetBytes(32));
        }

        if (_cache.TryGetValue(day, out var cached))
        {
            return cached;
        }

        // One load at a time in this process: the concurrent first events of a new day wait for it, instead of all
        // racing to insert the day's salt and all but one failing on its key.
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_cache.TryGetValue(day, out cached))
            {
                return cached;
            }

            var salt = await LoadOrCreateAsync(day, cancellationToken);
            if (_cache.Count > 8)
            {
                _cache.Clear();
            }

            return _cache.GetOrAdd(day, salt);
        }
        finally
        {
            _loading.Release();
        }
    }

    public void Dispose() => _loading.Dispose();

    private async Task<byte[]> LoadOrCreateAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        var salt = await SaltOf(context, day).FirstOrDefaultAsync(cancellationToken);
        if (salt is null)
        {
            context.DailySalts.Add(new DailySalt { Day = day, Salt = RandomNumberGenerator.GetBytes(32), CreatedAt = clock.GetUtcNow().UtcDateTime });
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

    /// <summary>Deletes every stored salt past its lifetime; returns the days destroyed.</summary>
    public async Task<IReadOnlyList<DateOnly>> DestroyExpiredAsync(CancellationToken cancellationToken = default)
    {
        await using var context = await contextFactory.CreateDbContextAsync(cancellationToken);
        // A day is expired once its end plus the grace period has passed: every day up to the one before (now - grace).
        var lastExpired = DateOnly.FromDateTime((clock.GetUtcNow() - options.Value.SaltGracePeriod).UtcDateTime).AddDays(-1);
        var expired = await SaltsUpTo(context, lastExpired).Select(s => s.Day).ToListAsync(cancellationToken);
        if (expired.Count > 0)
        {
            await SaltsUpTo(context, lastExpired).ExecuteDeleteAsync(cancellationToken);
        }

        foreach (var day in _cache.Keys.Where(IsExpired))
        {
            _cache.TryRemove(day, out _);
        }

        return expired;
    }

    internal static IQueryable<DailySalt> SaltsUpTo(StatsDbContext context, DateOnly lastDay) =>
        context.DailySalts.Where(s => s.Day <= lastDay);

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
