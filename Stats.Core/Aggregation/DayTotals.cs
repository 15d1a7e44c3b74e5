using Stats.Core.Counting;
using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Core.Aggregation;

/// <summary>
/// Everything one UTC day's raw events add up to: the rows the aggregator writes for that day. Pure computation over
/// the day's events and a catalog snapshot; the COUNTER rules come from <see cref="CounterRules"/> and
/// <see cref="UsageTally{TKey}"/>, nowhere else.
/// </summary>
internal sealed class DayTotals
{
    private static readonly short s_view = EventCatalog.CodeOf(EventCatalog.RecordView);
    private static readonly short s_download = EventCatalog.CodeOf(EventCatalog.FileDownload);
    /// <summary>The built-in types counted as one activity, read from their descriptions.</summary>
    private static readonly Dictionary<short, Activity> s_activities =
        EventCatalog.BuiltIn.Where(d => d.CountsAs.Count == 1).ToDictionary(d => d.Code, d => d.CountsAs[0]);

    private static readonly short s_published = EventCatalog.CodeOf(EventCatalog.RecordPublished);
    private static readonly short s_sipProcessed = EventCatalog.CodeOf(EventCatalog.SipProcessed);
    private static readonly short s_archiveSize = EventCatalog.CodeOf(EventCatalog.ArchiveSize);

    private DayTotals(DateOnly day) => Day = day;

    public DateOnly Day { get; }

    public List<UsageDailyStat> Usage { get; } = [];

    public List<CountryDailyStat> Countries { get; } = [];

    public List<ActivityDailyStat> Activities { get; } = [];

    /// <summary>The counts of the types added by configuration.</summary>
    public List<EventDailyStat> Events { get; } = [];

    /// <summary>What the day's SIP events say about each SIP, by SIP label.</summary>
    public Dictionary<int, SipFacts> Sips { get; } = [];

    /// <param name="counted">The day's counted clicks (<see cref="CountedEvents"/>).</param>
    public static DayTotals Compute(DateOnly day, List<DayEvent> events, List<DayEvent> counted, CatalogSnapshot catalog)
    {
        var totals = new DayTotals(day);
        var activities = new Dictionary<(Activity, int Community, int Subject, int Detail), (int Count, long Amount)>();
        var newRecords = new HashSet<int>();
        var archiveSnapshots = new Dictionary<int, (int Count, long Last)>();
        var configured = new Dictionary<(short Type, StatScope Scope, int Id), int>();
        foreach (var e in events)
        {
            if (IsUsage(e))
            {
                // Counted by CountUsage below, from the counted clicks.
                continue;
            }

            if (EventDefinition.IsConfiguredCode(e.TypeId))
            {
                CountConfigured(configured, catalog, e);
            }
            else if (e.TypeId == s_published)
            {
                // A record is new on the day of its first publication only, however often it is published again.
                if (e.RecordId is { } published && catalog.Record(published) is { } facts && facts.PublishedOn == day && newRecords.Add(published))
                {
                    var owner = facts.Owner is null ? 0 : catalog.LabelId(LabelKind.Owner, facts.Owner);
                    foreach (var community in WithRepository(facts.Communities))
                    {
                        Tally(activities, (Activity.NewRecord, community, owner, (int)facts.AccessRight), 0);
                    }
                }
            }
            else if (e.TypeId == s_archiveSize)
            {
                // Events come in time order: the last snapshot of the day wins.
                archiveSnapshots.TryGetValue(e.CommunityId ?? 0, out var snapshots);
                archiveSnapshots[e.CommunityId ?? 0] = (snapshots.Count + 1, e.Amount ?? 0);
            }
            else if (s_activities.TryGetValue(e.TypeId, out var activity) || e.TypeId == s_sipProcessed)
            {
                if (e.TypeId == s_sipProcessed)
                {
                    activity = catalog.LabelValue(e.DetailId ?? 0) == "succeeded" ? Activity.SipSucceeded : Activity.SipFailed;
                }

                CountActivity(totals, catalog, activities, activity, e);
            }
        }

        foreach (var (community, (count, bytes)) in archiveSnapshots)
        {
            totals.Activities.Add(new ActivityDailyStat { Day = day, Activity = Activity.ArchiveSize, CommunityId = community, Count = count, Amount = bytes });
        }

        foreach (var ((activity, community, subject, detail), (count, amount)) in activities)
        {
            totals.Activities.Add(new ActivityDailyStat
            {
                Day = day, Activity = activity, CommunityId = community, SubjectId = subject, DetailId = detail, Count = count, Amount = amount,
            });
        }

        foreach (var ((type, scope, id), count) in configured)
        {
            totals.Events.Add(new EventDailyStat { Day = day, TypeId = type, Scope = scope, ScopeId = id, Count = count });
        }

        totals.CountUsage(counted, catalog);
        return totals;
    }

    /// <summary>
    /// An event of a type added by configuration counts once for the repository, once for its record and once for each
    /// of its communities: the one it names, or else its record's. Plain counts: robots and double-clicks are COUNTER's
    /// rules for views and downloads, which a configured type is not.
    /// </summary>
    private static void CountConfigured(Dictionary<(short, StatScope, int), int> counts, CatalogSnapshot catalog, DayEvent e)
    {
        void Count((short, StatScope, int) key) => counts[key] = counts.GetValueOrDefault(key) + 1;

        Count((e.TypeId, StatScope.Repository, 0));
        RecordFacts? record = null;
        if (e.RecordId is { } id)
        {
            Count((e.TypeId, StatScope.Record, id));
            record = catalog.Record(id);
        }

        int[] communities = e.CommunityId is { } c ? [c] : record?.Communities ?? [];
        foreach (var community in communities)
        {
            Count((e.TypeId, StatScope.Community, community));
        }
    }

    /// <summary>
    /// The day's views and downloads that COUNTER counts, in time order: robots out, double-clicks removed (the
    /// <paramref name="followers"/> of the next day can close a pair). What the aggregates add up, and what exports send.
    /// </summary>
    public static List<UsageClick> CountedClicks(List<DayEvent> events, List<UsageClick> followers) =>
        [.. CountedEvents(events, followers).Select(ClickOf)];

    /// <summary>
    /// <see cref="CountedClicks"/> as the day's events: what the usage aggregates add up and, with their referrers and
    /// organisations, what the sources aggregate (<see cref="SourcesDaily"/>) ranks.
    /// </summary>
    public static List<DayEvent> CountedEvents(List<DayEvent> events, List<UsageClick> followers) =>
        CounterRules.RemoveDoubleClicks(events.Where(e => IsUsage(e) && (e.Traits & EventTraits.Robot) == 0), ClickOf, followers.Where(f => !f.IsRobot));

    /// <summary>A view or download (<see cref="IsUsage"/>) as the counting rules read it.</summary>
    public static UsageClick ClickOf(DayEvent e) =>
        new(e.Timestamp, e.RecordId!.Value, e.TypeId == s_download ? e.FileId : null, e.VisitorHash, e.SessionHash, e.Traits, e.Amount ?? 0, e.Country);

    private static bool IsUsage(DayEvent e) => (e.TypeId == s_view || e.TypeId == s_download) && e.RecordId is not null;

    private static void CountActivity(
        DayTotals totals, CatalogSnapshot catalog, Dictionary<(Activity, int, int, int), (int, long)> activities, Activity activity, DayEvent e)
    {
        var record = e.RecordId is { } id ? catalog.Record(id) : null;
        int[] communities = e.CommunityId is { } c ? [c] : record?.Communities ?? [];
        switch (activity)
        {
            case Activity.LoanCreated or Activity.LoanExtended or Activity.LoanReturned or Activity.LoanOverdue or Activity.LoanRequested:
                Tally(activities, (activity, 0, e.SubjectId ?? 0, e.DetailId ?? 0), 0);
                return;
            case Activity.FeatureUsed:
                foreach (var community in WithRepository(communities))
                {
                    Tally(activities, (activity, community, e.SubjectId ?? 0, 0), 0);
                }

                return;
            default:
                var amount = activity == Activity.SipCreated ? e.Amount ?? 0 : 0;
                foreach (var community in WithRepository(communities))
                {
                    Tally(activities, (activity, community, 0, 0), amount);
                }

                if (e.SubjectId is { } sip)
                {
                    totals.Sips.TryGetValue(sip, out var facts);
                    totals.Sips[sip] = facts.With(activity, e, communities.Length > 0 ? communities[0] : null);
                }

                return;
        }
    }

    private static void Tally(Dictionary<(Activity, int, int, int), (int Count, long Amount)> activities, (Activity, int, int, int) key, long amount)
    {
        activities.TryGetValue(key, out var value);
        activities[key] = (value.Count + 1, value.Amount + amount);
    }

    private static IEnumerable<int> WithRepository(int[] communities) => communities.Prepend(0).Distinct();

    private void CountUsage(List<DayEvent> counted, CatalogSnapshot catalog)
    {
        var records = new UsageTally<(int, AccessMethod)>();
        var concepts = new UsageTally<(int, AccessMethod)>();
        var files = new UsageTally<(int, AccessMethod)>();
        var countries = new UsageTally<(int, string)>();
        // Per record and access method, its one file so far (null once it has a second): which file rows fold (ADR-020).
        var filesOfRecords = new Dictionary<(int, AccessMethod), int?>();
        // Per concept and access method, its one version with clicks so far (null once it has a second).
        var versionsOfConcepts = new Dictionary<(int, AccessMethod), int?>();
        foreach (var e in counted)
        {
            var click = ClickOf(e);
            var facts = catalog.Record(click.RecordId);
            records.Add((click.RecordId, click.AccessMethod), click);
            // A record without versions is its own concept: its record rows say it all, a copy would only cost writes.
            if (facts?.Concept is { } concept)
            {
                var conceptId = catalog.LabelId(LabelKind.Concept, concept);
                concepts.Add((conceptId, click.AccessMethod), click);
                var seen = versionsOfConcepts.TryGetValue((conceptId, click.AccessMethod), out var version);
                versionsOfConcepts[(conceptId, click.AccessMethod)] = !seen || version == click.RecordId ? click.RecordId : null;
            }

            if (click.FileId is { } file)
            {
                files.Add((file, click.AccessMethod), click);
                var known = filesOfRecords.TryGetValue((click.RecordId, click.AccessMethod), out var only);
                filesOfRecords[(click.RecordId, click.AccessMethod)] = !known || only == file ? file : null;
            }

            countries.Add((click.RecordId, click.Country ?? CountryDailyStat.Unknown), click);
        }

        // A record row stands for its record's one country row when the record's clicks of the day have one country and one
        // access method, for its one file's row when every click of the row downloaded that file, and for its concept's row
        // when no other version of the concept had clicks of that access method: each pair of tallies then counted the same
        // clicks, so their numbers are the record row's (ADR-020).
        var methodsOfRecords = new Dictionary<int, int>();
        foreach (var (recordId, _) in records.Metrics.Keys)
        {
            methodsOfRecords[recordId] = methodsOfRecords.GetValueOrDefault(recordId) + 1;
        }

        var countriesOfRecords = new Dictionary<int, string?>();
        foreach (var (recordId, country) in countries.Metrics.Keys)
        {
            countriesOfRecords[recordId] = countriesOfRecords.ContainsKey(recordId) ? null : country;
        }

        var foldedFiles = new HashSet<(int, AccessMethod)>();
        var conceptsOfRecords = new Dictionary<(int, AccessMethod), int>();
        foreach (var ((conceptId, method), version) in versionsOfConcepts)
        {
            if (version is { } only)
            {
                conceptsOfRecords[(only, method)] = conceptId;
            }
        }

        // Unique items add up over wider scopes: a session's unique view of a record is one per record.
        var wide = new Dictionary<(StatScope, int, AccessMethod), UsageMetrics>();
        foreach (var ((recordId, method), metrics) in records.Metrics)
        {
            var country = methodsOfRecords[recordId] == 1 ? countriesOfRecords[recordId] : null;
            int? file = metrics.Views == 0 && filesOfRecords.GetValueOrDefault((recordId, method)) is { } only ? only : null;
            if (file is { } folded)
            {
                foldedFiles.Add((folded, method));
            }

            int? concept = conceptsOfRecords.TryGetValue((recordId, method), out var one) ? one : null;
            AddUsage(StatScope.Record, recordId, method, metrics, country, file, concept);
            Widen(wide, (StatScope.Repository, 0, method), metrics);
            if (catalog.Record(recordId) is { } facts)
            {
                foreach (var community in facts.Communities)
                {
                    Widen(wide, (StatScope.Community, community, method), metrics);
                }

                if (facts.Owner is not null)
                {
                    // Owners get no rows of their own: their records' rows are summed when asked (ADR-016). The label still
                    // names a known owner, as before.
                    catalog.LabelId(LabelKind.Owner, facts.Owner);
                }
            }
        }

        foreach (var ((conceptId, method), metrics) in concepts.Metrics)
        {
            if (versionsOfConcepts[(conceptId, method)] is null)
            {
                AddUsage(StatScope.Concept, conceptId, method, metrics);
            }
        }

        foreach (var (key, metrics) in files.Metrics)
        {
            if (!foldedFiles.Contains(key))
            {
                AddUsage(StatScope.File, key.Item1, key.Item2, metrics);
            }
        }

        foreach (var ((scope, id, method), metrics) in wide)
        {
            AddUsage(scope, id, method, metrics);
        }

        var wideCountries = new Dictionary<(StatScope, int, string), UsageMetrics>();
        foreach (var ((recordId, country), metrics) in countries.Metrics)
        {
            if (methodsOfRecords[recordId] != 1 || countriesOfRecords[recordId] is null)
            {
                AddCountry(StatScope.Record, recordId, country, metrics);
            }

            Widen(wideCountries, (StatScope.Repository, 0, country), metrics);
            foreach (var community in catalog.Record(recordId)?.Communities ?? [])
            {
                Widen(wideCountries, (StatScope.Community, community, country), metrics);
            }
        }

        foreach (var ((scope, id, country), metrics) in wideCountries)
        {
            AddCountry(scope, id, country, metrics);
        }
    }

    private static void Widen<TKey>(Dictionary<TKey, UsageMetrics> wide, TKey key, UsageMetrics metrics)
        where TKey : notnull
    {
        wide.TryGetValue(key, out var sum);
        sum.Add(metrics);
        wide[key] = sum;
    }

    private void AddUsage(StatScope scope, int id, AccessMethod method, UsageMetrics m, string? country = null, int? fileId = null, int? conceptId = null) =>
        Usage.Add(new UsageDailyStat
        {
            Day = Day, Scope = scope, ScopeId = id, AccessMethod = method,
            Views = m.Views, UniqueViews = m.UniqueViews, Downloads = m.Downloads, UniqueDownloads = m.UniqueDownloads,
            Investigations = m.Investigations, UniqueInvestigations = m.UniqueInvestigations, Volume = m.Volume,
            Country = country, FileId = fileId, ConceptId = conceptId,
        });

    private void AddCountry(StatScope scope, int id, string country, UsageMetrics m) => Countries.Add(new CountryDailyStat
    {
        Day = Day, Scope = scope, ScopeId = id, Country = country,
        Views = m.Views, UniqueViews = m.UniqueViews, Downloads = m.Downloads, UniqueDownloads = m.UniqueDownloads,
    });
}

/// <summary>What one day's events say about one SIP; merged into its <see cref="SipOutcome"/>.</summary>
internal readonly record struct SipFacts(int? RecordId, int? CommunityId, DateTime? CreatedAt, DateTime? SentAt, DateTime? ProcessedAt, bool? Succeeded, long? Size)
{
    public SipFacts With(Activity activity, DayEvent e, int? community) => activity switch
    {
        Activity.SipCreated => this with { CreatedAt = CreatedAt ?? e.Timestamp, Size = e.Amount ?? Size, RecordId = e.RecordId ?? RecordId, CommunityId = community ?? CommunityId },
        Activity.SipSent => this with { SentAt = e.Timestamp, RecordId = e.RecordId ?? RecordId, CommunityId = community ?? CommunityId },
        // Processed again (a retry after a failure): the latest report is the outcome.
        _ => this with { ProcessedAt = e.Timestamp, Succeeded = activity == Activity.SipSucceeded, RecordId = e.RecordId ?? RecordId, CommunityId = community ?? CommunityId },
    };
}
