using Microsoft.EntityFrameworkCore;
using Stats.Core.Counting;
using Stats.Core.Data;
using Stats.Core.Ingestion;
using Stats.Core.Retention;

namespace Stats.Core.Investigation;

/// <summary>One day searched in an audit, and the user's or organisation's views and downloads on it.</summary>
public sealed record AuditDay(DateOnly Day, int Events);

/// <summary>
/// What an audit found: the events, in time order, and the days searched. For a user, <see cref="DaysNotSearchable"/> are
/// the days with raw events whose salt is gone: nothing links their hashes to the user any more (as for erasure).
/// </summary>
public sealed record AuditResult(IReadOnlyList<InvestigationEvent> Events, IReadOnlyList<AuditDay> DaysSearched, IReadOnlyList<DateOnly> DaysNotSearchable);

/// <summary>
/// Audit queries (issue 15): the views and downloads of one user id, found the way erasure finds them (the user's visitor
/// hash recomputed with each day's salt while it exists), or of one network organisation (by AS number or name). Each is
/// recorded in the audit trail, a user's without the id.
/// </summary>
public sealed class AuditQueries(IDbContextFactory<StatsDbContext> contexts, InvestigationQueries investigation)
{
    /// <summary>The longest range an audit searches.</summary>
    public const int MaxDays = 31;

    public async Task<AuditResult> UserAsync(string userId, DateOnly start, DateOnly end, string askedBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        CheckRange(start, end);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        // Never the id: looking up a person leaves a trace that does not name them.
        await investigation.TraceAsync(context, askedBy, InvestigationKind.UserAudit, "a user (id not recorded)", Range(start, end), cancellationToken);
        var visitor = CounterIdentity.VisitorKey(userId, null, null, null)!;
        var salts = await UserErasure.StoredSalts(context).Where(s => s.Day >= start && s.Day <= end).ToListAsync(cancellationToken);
        var withRawEvents = await UserErasure.DaysWithRawEvents(context).Where(d => d >= start && d <= end).ToListAsync(cancellationToken);

        var events = new List<InvestigationEvent>();
        var searched = new List<AuditDay>();
        foreach (var salt in salts)
        {
            var hash = DailySaltStore.Hash(salt.Salt, visitor);
            var range = Range(salt.Day, salt.Day);
            var found = await InvestigationQueries.ReadEventsAsync(context, InvestigationQueries.Usage(context).Where(e => e.VisitorHash == hash), range, cancellationToken);
            searched.Add(new AuditDay(salt.Day, found.Count));
            events.AddRange(found);
        }

        return new AuditResult(events, searched, [.. withRawEvents.Except(salts.Select(s => s.Day)).Order()]);
    }

    /// <summary>An organisation by its AS number ("513", "AS513") or by a part of its name ("CERN").</summary>
    public async Task<AuditResult> OrganisationAsync(string organisation, DateOnly start, DateOnly end, string askedBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organisation);
        CheckRange(start, end);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var text = organisation.Trim();
        await investigation.TraceAsync(context, askedBy, InvestigationKind.OrganisationAudit, "organisation " + text, Range(start, end), cancellationToken);
        var number = text.StartsWith("AS", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        var labels = context.Labels.Where(l => l.Kind == LabelKind.Organisation);
        var ids = number.Length > 0 && number.All(char.IsAsciiDigit)
            ? await labels.Where(l => l.Value == "AS" + number || l.Value.StartsWith("AS" + number + " ")).Select(l => l.Id).ToListAsync(cancellationToken)
            : await labels.Where(l => l.Value.Contains(text)).Select(l => l.Id).ToListAsync(cancellationToken);
        var range = Range(start, end);
        var events = ids.Count == 0 ? [] : await InvestigationQueries.ReadEventsAsync(
            context, InvestigationQueries.Usage(context).Where(e => e.OrganisationId != null && ids.Contains(e.OrganisationId.Value)), range, cancellationToken);
        var days = events.GroupBy(e => DateOnly.FromDateTime(e.Timestamp)).ToDictionary(g => g.Key, g => g.Count());
        var searched = Enumerable.Range(0, end.DayNumber - start.DayNumber + 1).Select(start.AddDays).Select(d => new AuditDay(d, days.GetValueOrDefault(d))).ToList();
        return new AuditResult(events, searched, []);
    }

    private static void CheckRange(DateOnly start, DateOnly end)
    {
        if (end < start || end.DayNumber - start.DayNumber + 1 > MaxDays)
        {
            throw new ArgumentException($"The range must end on or after its start and span at most {MaxDays} days.");
        }
    }

    private static InvestigationRequest Range(DateOnly start, DateOnly end) =>
        new(InvestigationScope.Repository, null, null, start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), end.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
}
