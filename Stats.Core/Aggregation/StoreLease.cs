using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Core.Aggregation;

/// <summary>
/// A named lease in the store (<see cref="AggregationLease"/>), so that one instance at a time does a job: the
/// aggregator, each catalog source's sync.
/// </summary>
internal static class StoreLease
{
    /// <summary>Takes the lease, or renews it when <paramref name="holder"/> holds it; false when another holder does.</summary>
    public static async Task<bool> TryTakeAsync(StatsDbContext context, string name, string holder, DateTime now, TimeSpan duration, CancellationToken cancellationToken)
    {
        var until = now + duration;
        // One conditional update: whichever instance's statement runs first takes an expired or released lease; the other's matches nothing.
        var taken = await context.AggregationLeases
            .Where(l => l.Name == name && (l.Holder == holder || l.ExpiresAt <= now))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        if (await context.AggregationLeases.AnyAsync(l => l.Name == name, cancellationToken))
        {
            return false;
        }

        try
        {
            context.AggregationLeases.Add(new AggregationLease { Name = name, Holder = holder, ExpiresAt = until });
            await context.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (!StoreOutage.IsOutage(ex))
        {
            // Another instance created the lease first.
            context.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>Lets the lease lapse now, when <paramref name="holder"/> still holds it.</summary>
    public static Task ReleaseAsync(StatsDbContext context, string name, string holder, DateTime now, CancellationToken cancellationToken) =>
        context.AggregationLeases.Where(l => l.Name == name && l.Holder == holder)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.ExpiresAt, now), cancellationToken);

    /// <summary>The lease of that name; exposed for the translation tests of every provider.</summary>
    public static IQueryable<AggregationLease> Named(StatsDbContext context, string name) =>
        context.AggregationLeases.AsNoTracking().Where(l => l.Name == name);
}
