using Stats.Core.Access;
using Stats.Core.Data;

namespace Stats.Core.Queries;

/// <summary>One parameter of a stat, as <c>GET /api/stats</c> lists it.</summary>
public sealed record StatParameter(string Name, bool Required, string Description);

/// <summary>What a stat reads: the seam for access control (who may see a record's, a community's, an owner's statistics).</summary>
public enum StatSubject
{
    Repository,
    Record,
    Concept,
    Community,
    Owner,
}

/// <summary>The subject of one query: its kind and, except for the repository, the external id the caller named.</summary>
public sealed record StatTarget(StatSubject Subject, string? Id);

/// <summary>A named stat: its parameters, what it reads, and how it answers.</summary>
public sealed class StatDefinition
{
    private readonly Func<StatParameters, CancellationToken, Task<object>> _run;
    private readonly Func<StatParameters, CancellationToken, ValueTask<StatTarget>> _targetOf;

    internal StatDefinition(
        string name, StatFamily family, string description, IReadOnlyList<StatParameter> parameters,
        Func<StatParameters, CancellationToken, ValueTask<StatTarget>> targetOf, Type answerType, Func<StatParameters, CancellationToken, Task<object>> run)
    {
        Name = name;
        Family = family;
        Description = description;
        Parameters = parameters;
        AnswerType = answerType;
        _targetOf = targetOf;
        _run = run;
    }

    public string Name { get; }

    /// <summary>The family an access rule for this stat covers.</summary>
    public StatFamily Family { get; }

    public string Description { get; }

    public IReadOnlyList<StatParameter> Parameters { get; }

    /// <summary>The type of the answer, whose JSON (<see cref="StatJson"/>) is the stat's answer shape.</summary>
    public Type AnswerType { get; }

    /// <summary>
    /// What a query of this stat with these parameters reads: <see cref="IAccessPolicy"/> decides who may, before it runs.
    /// Most stats name it in their parameters; the bucket stats look the bucket's record up in the catalog.
    /// </summary>
    public ValueTask<StatTarget> TargetOfAsync(StatParameters parameters, CancellationToken cancellationToken = default) =>
        _targetOf(parameters, cancellationToken);

    /// <summary>Checks the parameters (known names, required ones present), then answers.</summary>
    public async Task<object> RunAsync(StatParameters parameters, CancellationToken cancellationToken = default)
    {
        foreach (var name in parameters.Names)
        {
            if (!Parameters.Any(p => p.Name == name))
            {
                throw new StatQueryException($"Stat '{Name}' has no parameter '{name}'; it takes {string.Join(", ", Parameters.Select(p => p.Name))}.");
            }
        }

        foreach (var parameter in Parameters.Where(p => p.Required))
        {
            parameters.Required(parameter.Name);
        }

        var answer = await _run(parameters, cancellationToken);
        // invenio-stats' histograms say which period was asked for; the services that build them only know the days they read.
        return answer is IHistogram histogram ? histogram.Answering(parameters.Period()) : answer;
    }
}

/// <summary>
/// Every stat the query API answers, by name (invenio-stats' names where it has them). Stats read only the daily aggregates
/// and the catalog. Unknown ids (a recid, a community, an owner the catalog does not know) answer zeros, as invenio-stats
/// does, since usage may arrive before the catalog knows the record.
/// </summary>
public sealed class StatRegistry
{
    private static readonly StatParameter s_recid = new("recid", true, "The record (one version).");
    private static readonly StatParameter s_parentRecid = new("parent_recid", true, "The concept shared by all versions of a record.");
    private static readonly StatParameter s_community = new("community", true, "The community's id.");
    private static readonly StatParameter s_optionalCommunity = new("community", false, "Only this community; the whole repository when absent.");
    private static readonly StatParameter s_ownerId = new("owner_id", true, "The user who owns the records.");
    private static readonly StatParameter s_start = new(StatParameters.StartDate, false, "First day, yyyy-MM-dd (or an ISO date-time: its UTC date), inclusive.");
    private static readonly StatParameter s_end = new(StatParameters.EndDate, false, "Last day, inclusive; histograms end today when absent.");
    private static readonly StatParameter s_interval = new(StatParameters.IntervalName, false, "day (default), week (ISO, from Monday), month, quarter or year.");
    private static readonly StatParameter s_accessMethod = new(StatParameters.AccessMethodName, false, "regular or machine; both when absent.");
    private static readonly StatParameter s_size = new(StatParameters.SizeName, false, "How many entries, 1 to 100 (default 10).");

    private readonly Dictionary<string, StatDefinition> _stats = new(StringComparer.Ordinal);

    public StatRegistry(UsageStats usage, ActivityStats activity, SipStoreStats sips, EventStats events, SourceStats sources)
    {
        AddUsage(usage);
        AddSources(sources);
        AddEvents(events);
        AddCommunity(usage, activity);
        AddRepository(activity);
        AddCirculation(activity);
        AddSipStore(sips);
    }

    /// <summary>All stats, by name.</summary>
    public IEnumerable<StatDefinition> All => _stats.Values.OrderBy(s => s.Name, StringComparer.Ordinal);

    /// <summary>The stat of that name; <see cref="StatQueryException"/> when there is none.</summary>
    public StatDefinition Find(string name) =>
        _stats.TryGetValue(name, out var stat) ? stat : throw new StatQueryException($"There is no stat '{name}': GET /api/stats lists them.");

    public Task<object> RunAsync(string name, StatParameters parameters, CancellationToken cancellationToken = default) =>
        Find(name).RunAsync(parameters, cancellationToken);

    private void AddUsage(UsageStats usage)
    {
        StatParameter[] period = [s_start, s_end, s_accessMethod];
        StatParameter[] histogram = [s_start, s_end, s_interval, s_accessMethod];
        static StatTarget Record(StatParameters p) => new(StatSubject.Record, p.Optional("recid"));
        static StatTarget Concept(StatParameters p) => new(StatSubject.Concept, p.Optional("parent_recid"));

        Add("record-view", StatFamily.Usage, "Views and unique views of one version of a record.", [s_recid, .. period], Record, async (p, ct) =>
        {
            var c = await usage.TotalsAsync(StatScope.Record, p.Required("recid"), p.Period(), p.AccessMethod(), ct);
            var record = await usage.RecordInfoAsync(p.Required("recid"), ct);
            return new RecordViews(p.Period(), p.Required("recid"), record?.ParentRecid, c.Views, c.UniqueViews);
        });
        Add("record-view-all-versions", StatFamily.Usage, "Views and unique views of all versions of a record (a session viewing two versions counts once).",
            [s_parentRecid, .. period], Concept, async (p, ct) =>
            {
                var c = await usage.TotalsAsync(StatScope.Concept, p.Required("parent_recid"), p.Period(), p.AccessMethod(), ct);
                return new ConceptViews(p.Period(), p.Required("parent_recid"), c.Views, c.UniqueViews);
            });
        Add("record-download", StatFamily.Usage, "Downloads, unique downloads and bytes downloaded of one version of a record.", [s_recid, .. period], Record, async (p, ct) =>
        {
            var c = await usage.TotalsAsync(StatScope.Record, p.Required("recid"), p.Period(), p.AccessMethod(), ct);
            var record = await usage.RecordInfoAsync(p.Required("recid"), ct);
            return new RecordDownloads(p.Period(), p.Required("recid"), record?.ParentRecid, c.Downloads, c.UniqueDownloads, c.DataVolume);
        });
        Add("record-download-all-versions", StatFamily.Usage, "Downloads, unique downloads and bytes downloaded of all versions of a record.",
            [s_parentRecid, .. period], Concept, async (p, ct) =>
            {
                var c = await usage.TotalsAsync(StatScope.Concept, p.Required("parent_recid"), p.Period(), p.AccessMethod(), ct);
                return new ConceptDownloads(p.Period(), p.Required("parent_recid"), c.Downloads, c.UniqueDownloads, c.DataVolume);
            });
        Add("file-download", StatFamily.Usage, "Downloads per file of a record (buckets keyed by file_key), most downloaded first.", [s_recid, .. period], Record,
            async (p, ct) => await usage.FileDownloadsAsync(p.Required("recid"), p.Period(), p.AccessMethod(), ct));

        Add("record-view-histogram", StatFamily.Usage, "Views and unique views of one version of a record per period.", [s_recid, .. histogram], Record,
            async (p, ct) => await usage.HistogramAsync(StatScope.Record, p.Required("recid"), p.Period(), p.Interval(), p.AccessMethod(), c => c.ToViews(), ct));
        Add("record-view-all-versions-histogram", StatFamily.Usage, "Views and unique views of all versions of a record per period.", [s_parentRecid, .. histogram], Concept,
            async (p, ct) => await usage.HistogramAsync(StatScope.Concept, p.Required("parent_recid"), p.Period(), p.Interval(), p.AccessMethod(), c => c.ToViews(), ct));
        Add("record-download-histogram", StatFamily.Usage, "Downloads of one version of a record per period.", [s_recid, .. histogram], Record,
            async (p, ct) => await usage.HistogramAsync(StatScope.Record, p.Required("recid"), p.Period(), p.Interval(), p.AccessMethod(), c => c.ToDownloads(), ct));
        Add("record-download-all-versions-histogram", StatFamily.Usage, "Downloads of all versions of a record per period.", [s_parentRecid, .. histogram], Concept,
            async (p, ct) => await usage.HistogramAsync(StatScope.Concept, p.Required("parent_recid"), p.Period(), p.Interval(), p.AccessMethod(), c => c.ToDownloads(), ct));
        Add("file-download-histogram", StatFamily.Usage, "Downloads of one file of a record per period.",
            [s_recid, new("file_key", true, "The file's key in the record."), .. histogram], Record,
            async (p, ct) => await usage.FileDownloadHistogramAsync(p.Required("recid"), p.Required("file_key"), p.Period(), p.Interval(), p.AccessMethod(), ct));
        AddBuckets(usage, period, histogram);

        static StatTarget Owner(StatParameters p) => new(StatSubject.Owner, p.Optional("owner_id"));
        Add("user-stats", StatFamily.Usage, "Views, downloads and bytes of all the records of a user.", [s_ownerId, .. period], Owner, async (p, ct) =>
        {
            var c = await usage.TotalsAsync(StatScope.Owner, p.Required("owner_id"), p.Period(), p.AccessMethod(), ct);
            return new UserStats(p.Required("owner_id"), c.Views, c.UniqueViews, c.Downloads, c.UniqueDownloads, c.DataVolume);
        });
        Add("user-stats-histogram", StatFamily.Usage, "Views, downloads and bytes of all the records of a user per period.", [s_ownerId, .. histogram], Owner,
            async (p, ct) => await usage.HistogramAsync(StatScope.Owner, p.Required("owner_id"), p.Period(), p.Interval(), p.AccessMethod(), c => c, ct));
        Add("user-top-records", StatFamily.Usage, "A user's records ranked by a metric over the period.",
            [s_ownerId, Metric("views"), s_size, .. period], Owner,
            async (p, ct) => await usage.TopRecordsAsync(new RecordSet(OwnerId: p.Required("owner_id")), p.Metric(UsageMetric.Views), p.Period(), p.AccessMethod(), p.Size(), ct));

        Add("countries", StatFamily.Countries, "Views and downloads per country (ZZ: unknown) of a record, a community, or (with neither) the repository.",
            [new("recid", false, "Only this record."), new("community", false, "Only this community."), s_start, s_end],
            p => p.Optional("recid") is { } recid ? new(StatSubject.Record, recid)
                : p.Optional("community") is { } community ? new(StatSubject.Community, community)
                : new(StatSubject.Repository, null),
            async (p, ct) =>
            {
                var (recid, community) = (p.Optional("recid"), p.Optional("community"));
                if (recid is not null && community is not null)
                {
                    throw new StatQueryException("Give 'recid' or 'community', not both.");
                }

                return recid is not null ? await usage.CountriesAsync(StatScope.Record, recid, p.Period(), ct)
                    : community is not null ? await usage.CountriesAsync(StatScope.Community, community, p.Period(), ct)
                    : await usage.CountriesAsync(StatScope.Repository, null, p.Period(), ct);
            });
        Add("records-popular", StatFamily.Usage, "The most used live records over the period, for search boosting.",
            [Metric("views"), s_optionalCommunity, s_size, .. period],
            p => p.Optional("community") is { } community ? new(StatSubject.Community, community) : new(StatSubject.Repository, null),
            async (p, ct) => await usage.TopRecordsAsync(new RecordSet(Community: p.Optional("community")), p.Metric(UsageMetric.Views), p.Period(), p.AccessMethod(), p.Size(), ct));
    }

    /// <summary>
    /// invenio-stats' contrib stats, by file bucket: a bucket is one version of a record, found through the catalog's bucket
    /// map (<see cref="UsageStats.RecidOfBucketAsync"/>), so the access rules are the record's. A bucket the map does not know
    /// (yet) answers as an unknown record does: zeros, under the rules of a record the catalog does not know.
    /// </summary>
    private void AddBuckets(UsageStats usage, StatParameter[] period, StatParameter[] histogram)
    {
        var bucketId = new StatParameter("bucket_id", true, "Invenio's file bucket of a record version (the catalog learns it from download events).");
        async ValueTask<StatTarget> Record(StatParameters p, CancellationToken ct) =>
            new(StatSubject.Record, p.Optional("bucket_id") is { } bucket ? await usage.RecidOfBucketAsync(bucket, ct) : null);

        Add("bucket-file-download-total", StatFamily.Usage, "Downloads per file of one file bucket (buckets keyed by file_key; value: the downloads), as invenio-stats' contrib stat.",
            [bucketId, .. period], Record, async (p, ct) =>
            {
                var recid = await usage.RecidOfBucketAsync(p.Required("bucket_id"), ct);
                var files = recid is null ? [] : (await usage.FileDownloadsAsync(recid, p.Period(), p.AccessMethod(), ct)).Buckets;
                return new BucketFileDownloads(
                    p.Period(), p.Required("bucket_id"), files.Sum(f => f.Downloads), files.Sum(f => f.Downloads), files.Sum(f => f.UniqueDownloads),
                    files.Sum(f => f.DataVolume), [.. files.Select(f => new FileKeyDownloads(f.Key, f.Downloads, f.Downloads, f.UniqueDownloads, f.DataVolume))]);
            });
        Add("bucket-file-download-histogram", StatFamily.Usage, "Downloads of one file of a file bucket per period (value: the downloads), as invenio-stats' contrib stat.",
            [bucketId, new("file_key", true, "The file's key in the bucket."), .. histogram], Record, async (p, ct) =>
            {
                var (bucket, fileKey) = (p.Required("bucket_id"), p.Required("file_key"));
                var downloads = await usage.BucketFileDownloadHistogramAsync(bucket, fileKey, p.Period(), p.Interval(), p.AccessMethod(), ct);
                return new Histogram<BucketFileDayDownloads>(downloads.Interval, [.. downloads.Buckets.Select(b => new HistogramBucket<BucketFileDayDownloads>(
                    b.Date, new(b.Values.Downloads, b.Values.Downloads, b.Values.UniqueDownloads, b.Values.DataVolume, bucket, fileKey)))]);
            });
    }

    private void AddSources(SourceStats sources)
    {
        static StatTarget Target(StatParameters p) => (p.Optional("recid"), p.Optional("community")) switch
        {
            ({ }, { }) => throw new StatQueryException("Give 'recid' or 'community', not both."),
            ({ } recid, null) => new(StatSubject.Record, recid),
            (null, { } community) => new(StatSubject.Community, community),
            _ => new(StatSubject.Repository, null),
        };

        // Where visitors come from is usage seen from another side: who may see a record's views may see its referrers.
        Add("referrers", StatFamily.Usage,
            "Counted views and downloads per referrer host (no path, no query) of a record, a community, or (with neither) the repository, " +
            "most first; 'other' sums the hosts beyond the list and those beyond each day's top 20. Clicks without a referrer are in neither.",
            [new("recid", false, "Only this record."), new("community", false, "Only this community."), s_size, s_start, s_end], Target,
            async (p, ct) => await sources.ReferrersAsync(Target(p), p.Period(), p.Size(), ct));
        static StatTarget Community(StatParameters p) => new(StatSubject.Community, p.Optional("community"));
        Add("organisations", StatFamily.Organisations,
            "Counted views and downloads per network organisation (autonomous system) of a community's visitors, most first; " +
            "'other' sums the organisations beyond the list and those beyond each day's top 20. Clicks from unknown networks are in neither.",
            [s_community, s_size, s_start, s_end], Community,
            async (p, ct) => await sources.OrganisationsAsync(Community(p), p.Period(), p.Size(), ct));
    }

    private void AddEvents(EventStats events)
    {
        // Configured types are usage of the records and communities they name: the usage rule covers them.
        StatParameter[] scope =
        [
            new("type", true, "An event type added by configuration (Stats:Events:Types)."),
            new("recid", false, "Only this record."), new("community", false, "Only this community."),
        ];
        static StatTarget Target(StatParameters p) =>
            p.Optional("recid") is { } recid ? new(StatSubject.Record, recid)
            : p.Optional("community") is { } community ? new(StatSubject.Community, community)
            : new(StatSubject.Repository, null);
        static (StatScope Scope, string? Key) ScopeOf(StatParameters p) => (p.Optional("recid"), p.Optional("community")) switch
        {
            ({ }, { }) => throw new StatQueryException("Give 'recid' or 'community', not both."),
            ({ } recid, null) => (StatScope.Record, recid),
            (null, { } community) => (StatScope.Community, community),
            _ => (StatScope.Repository, null),
        };

        Add("events", StatFamily.Usage, "Events of a type added by configuration in a record, a community, or (with neither) the repository.",
            [.. scope, s_start, s_end], Target, async (p, ct) =>
            {
                var (statScope, key) = ScopeOf(p);
                return await events.TotalAsync(p.Required("type"), statScope, key, p.Period(), ct);
            });
        Add("events-histogram", StatFamily.Usage, "Events of a type added by configuration per period, in a record, a community or the repository.",
            [.. scope, s_start, s_end, s_interval], Target, async (p, ct) =>
            {
                var (statScope, key) = ScopeOf(p);
                return await events.HistogramAsync(p.Required("type"), statScope, key, p.Period(), p.Interval(), ct);
            });
    }

    private void AddCommunity(UsageStats usage, ActivityStats activity)
    {
        StatParameter[] period = [s_community, s_start, s_end];
        StatParameter[] histogram = [s_community, s_start, s_end, s_interval];
        static StatTarget Community(StatParameters p) => new(StatSubject.Community, p.Optional("community"));

        Add("community-views", StatFamily.Usage, "Views and unique views of a community's records.", [.. period, s_accessMethod], Community, async (p, ct) =>
        {
            var c = await usage.TotalsAsync(StatScope.Community, p.Required("community"), p.Period(), p.AccessMethod(), ct);
            return new CommunityViews(p.Required("community"), c.Views, c.UniqueViews);
        });
        Add("community-downloads", StatFamily.Usage, "Downloads, unique downloads and bytes of a community's records.", [.. period, s_accessMethod], Community, async (p, ct) =>
        {
            var c = await usage.TotalsAsync(StatScope.Community, p.Required("community"), p.Period(), p.AccessMethod(), ct);
            return new CommunityDownloads(p.Required("community"), c.Downloads, c.UniqueDownloads, c.DataVolume);
        });
        Add("community-views-histogram", StatFamily.Usage, "Views of a community's records per period.", [.. histogram, s_accessMethod], Community,
            async (p, ct) => await usage.HistogramAsync(StatScope.Community, p.Required("community"), p.Period(), p.Interval(), p.AccessMethod(), c => c.ToViews(), ct));
        Add("community-downloads-histogram", StatFamily.Usage, "Downloads of a community's records per period.", [.. histogram, s_accessMethod], Community,
            async (p, ct) => await usage.HistogramAsync(StatScope.Community, p.Required("community"), p.Period(), p.Interval(), p.AccessMethod(), c => c.ToDownloads(), ct));

        Add("community-new-records", StatFamily.CommunityActivity, "Records published in a community.", period, Community,
            async (p, ct) => new CommunityNewRecords(p.Required("community"), await activity.TotalAsync(Activity.NewRecord, p.Required("community"), p.Period(), ct)));
        Add("community-new-records-histogram", StatFamily.CommunityActivity, "Records published in a community per period.", histogram, Community,
            async (p, ct) => await activity.HistogramAsync(Activity.NewRecord, p.Required("community"), p.Period(), p.Interval(), n => new NewRecordCount(n), ct));
        Add("community-new-submissions", StatFamily.CommunityActivity, "Deposits offered to a community.", period, Community,
            async (p, ct) => new CommunityNewSubmissions(p.Required("community"), await activity.TotalAsync(Activity.NewSubmission, p.Required("community"), p.Period(), ct)));
        Add("community-new-submissions-histogram", StatFamily.CommunityActivity, "Deposits offered to a community per period.", histogram, Community,
            async (p, ct) => await activity.HistogramAsync(Activity.NewSubmission, p.Required("community"), p.Period(), p.Interval(), n => new SubmissionCount(n), ct));

        Add("community-top-records", StatFamily.Usage, "A community's live records ranked by views or downloads over the period.",
            [.. period, Metric("views"), s_size, s_accessMethod], Community,
            async (p, ct) => await usage.TopRecordsAsync(new RecordSet(Community: p.Required("community")), p.Metric(UsageMetric.Views), p.Period(), p.AccessMethod(), p.Size(), ct));
        Add("community-top-uploaders", StatFamily.TopUploaders, "Owners by records published in the community over the period, with those records' views and downloads in the period.",
            [.. period, s_size, s_accessMethod], Community,
            async (p, ct) => await activity.TopUploadersAsync(p.Required("community"), p.Period(), p.AccessMethod(), p.Size(), ct));
        Add("community-access-rights", StatFamily.CommunityActivity, "Live records per access right (open, embargoed, restricted, closed) today, and records published per access right in the period.",
            period, Community, async (p, ct) => await activity.AccessRightsAsync(p.Required("community"), p.Period(), ct));
        Add("community-features", StatFamily.CommunityActivity, "Uses of each community feature (comments, alerts, ...) over the period, most used first.",
            period, Community, async (p, ct) => await activity.FeaturesAsync(p.Required("community"), p.Period(), ct));
    }

    private void AddRepository(ActivityStats activity)
    {
        static StatTarget Repository(StatParameters p) => new(StatSubject.Repository, null);
        Add("repository-summary", StatFamily.Usage, "The overview: views, downloads, bytes and records published in the period; live records and communities today.",
            [s_start, s_end, s_accessMethod], Repository, async (p, ct) => await activity.RepositorySummaryAsync(p.Period(), p.AccessMethod(), ct));
        Add("repository-histogram", StatFamily.Usage, "The repository's views, downloads, bytes and records published per period.",
            [s_start, s_end, s_interval, s_accessMethod], Repository,
            async (p, ct) => await activity.RepositoryHistogramAsync(p.Period(), p.Interval(), p.AccessMethod(), ct));
        Add("communities", StatFamily.Usage, "Every community of the catalog by id: its live records today, its records published, views and downloads in the period.",
            [s_start, s_end, s_accessMethod], Repository, async (p, ct) => await activity.CommunitiesAsync(p.Period(), p.AccessMethod(), ct));
    }

    private void AddCirculation(ActivityStats activity)
    {
        static StatTarget Repository(StatParameters p) => new(StatSubject.Repository, null);
        Add("circulation-summary", StatFamily.Circulation, "Loans, renewals, returns, overdue notices and requests over the period.",
            [s_start, s_end], Repository, async (p, ct) => await activity.CirculationAsync(p.Period(), ct));
        Add("circulation-loans-histogram", StatFamily.Circulation, "Loans, renewals, returns, overdue notices and requests per period.",
            [s_start, s_end, s_interval], Repository, async (p, ct) => await activity.CirculationHistogramAsync(p.Period(), p.Interval(), ct));
        Add("circulation-top-documents", StatFamily.Circulation, "Documents by loans over the period (key: the document id), with their other circulation.",
            [s_start, s_end, s_size], Repository, async (p, ct) => await activity.CirculationByAsync(byLocation: false, p.Period(), p.Size(), ct));
        Add("circulation-locations", StatFamily.Circulation, "Circulation per location over the period (key null: no location given).",
            [s_start, s_end, s_size], Repository, async (p, ct) => await activity.CirculationByAsync(byLocation: true, p.Period(), p.Size(), ct));
    }

    private void AddSipStore(SipStoreStats sips)
    {
        static StatTarget CommunityOrRepository(StatParameters p) =>
            p.Optional("community") is { } community ? new(StatSubject.Community, community) : new(StatSubject.Repository, null);
        Add("sipstore-summary", StatFamily.SipStore, "SIPs created, sent, succeeded and failed in the period; records with SIPs and their share of the catalog; " +
            "average and 95th-percentile delay from sent to processed (seconds); the archive's size at the end of the period.",
            [s_optionalCommunity, s_start, s_end], CommunityOrRepository,
            async (p, ct) => await sips.SummaryAsync(p.Optional("community"), p.Period(), ct));
        Add("sipstore-failures", StatFamily.SipStore, "SIPs that failed in the period, latest first (sip id, recid, processed_at).",
            [s_optionalCommunity, s_start, s_end, new(StatParameters.SizeName, false, "How many, 1 to 1000 (default 100).")], CommunityOrRepository,
            async (p, ct) => await sips.FailuresAsync(p.Optional("community"), p.Period(), p.Size(fallback: 100, max: 1000), ct));
        Add("sipstore-archive-size-histogram", StatFamily.SipStore, "The archive's size at the end of each period (the last snapshot; carried forward over periods without one).",
            [s_optionalCommunity, s_start, s_end, s_interval], CommunityOrRepository,
            async (p, ct) => await sips.ArchiveSizeHistogramAsync(p.Optional("community"), p.Period(), p.Interval(), ct));
    }

    /// <summary>The ranking metric, each named as the dashboard names it (<see cref="DisplayNames"/>).</summary>
    private static StatParameter Metric(string fallback) =>
        new(StatParameters.MetricName, false,
            $"{string.Join(", ", Enum.GetValues<UsageMetric>().Select(m => $"{UsageStats.MetricName(m)} ({DisplayNames.Of(m)})"))}; default {fallback}.");

    /// <summary>Adds a stat; <paramref name="family"/> is the access rule that covers it (<see cref="IAccessPolicy"/>).</summary>
    private void Add<TAnswer>(
        string name, StatFamily family, string description, IReadOnlyList<StatParameter> parameters, Func<StatParameters, StatTarget> targetOf,
        Func<StatParameters, CancellationToken, Task<TAnswer>> run)
        where TAnswer : notnull =>
        Add(name, family, description, parameters, (p, _) => ValueTask.FromResult(targetOf(p)), run);

    /// <summary>Adds a stat whose target is looked up (<see cref="StatDefinition.TargetOfAsync"/>).</summary>
    private void Add<TAnswer>(
        string name, StatFamily family, string description, IReadOnlyList<StatParameter> parameters,
        Func<StatParameters, CancellationToken, ValueTask<StatTarget>> targetOf, Func<StatParameters, CancellationToken, Task<TAnswer>> run)
        where TAnswer : notnull =>
        _stats.Add(name, new StatDefinition(name, family, description, parameters, targetOf, typeof(TAnswer), async (p, ct) => await run(p, ct)));
}
