using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;
using Record = Stats.Core.Data.Record;

namespace Stats.Tests.Builders;

/// <summary>
/// Catalog and aggregate rows written straight through EF, as the aggregator would leave them: query tests name only the
/// rows they are about. Catalog entities are saved at once (their ids are needed for aggregate rows); aggregate rows when
/// <see cref="SaveAsync"/> is called.
/// </summary>
public sealed class AggregateSeed(IDbContextFactory<StatsDbContext> contexts) : IAsyncDisposable
{
    private readonly StatsDbContext _context = contexts.CreateDbContext();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async Task<Community> CommunityAsync(string id, string? name = null)
    {
        var community = new Community { ExternalId = id, Name = name };
        _context.Communities.Add(community);
        await _context.SaveChangesAsync(Cancellation);
        return community;
    }

    public async Task<Record> RecordAsync(
        string recid, string? parent = null, string? owner = null, string? title = null, AccessRight access = AccessRight.Open,
        Community[]? communities = null, bool deleted = false)
    {
        var record = new Record
        {
            ExternalId = recid,
            ParentExternalId = parent,
            OwnerId = owner,
            Title = title ?? $"Title of {recid}",
            AccessRight = access,
            PublishedAt = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            DeletedAt = deleted ? new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc) : null,
            Communities = [.. communities ?? []],
        };
        _context.Records.Add(record);
        await _context.SaveChangesAsync(Cancellation);
        return record;
    }

    public async Task<RecordFile> FileAsync(Record record, string key)
    {
        var file = new RecordFile { RecordId = record.Id, Key = key };
        _context.RecordFiles.Add(file);
        await _context.SaveChangesAsync(Cancellation);
        return file;
    }

    public async Task<Label> LabelAsync(LabelKind kind, string value)
    {
        var label = new Label { Kind = kind, Value = value };
        _context.Labels.Add(label);
        await _context.SaveChangesAsync(Cancellation);
        return label;
    }

    public AggregateSeed Usage(
        StatScope scope, int scopeId, DateOnly day, int views = 0, int uniqueViews = 0, int downloads = 0, int uniqueDownloads = 0,
        long volume = 0, AccessMethod method = AccessMethod.Regular)
    {
        _context.UsageDailyStats.Add(new UsageDailyStat
        {
            Scope = scope,
            ScopeId = scopeId,
            Day = day,
            AccessMethod = method,
            Views = views,
            UniqueViews = uniqueViews,
            Downloads = downloads,
            UniqueDownloads = uniqueDownloads,
            Investigations = views + downloads,
            UniqueInvestigations = uniqueViews + uniqueDownloads,
            Volume = volume,
        });
        return this;
    }

    public AggregateSeed Country(
        StatScope scope, int scopeId, DateOnly day, string country, int views = 0, int uniqueViews = 0, int downloads = 0, int uniqueDownloads = 0)
    {
        _context.CountryDailyStats.Add(new CountryDailyStat
        {
            Scope = scope,
            ScopeId = scopeId,
            Day = day,
            Country = country,
            Views = views,
            UniqueViews = uniqueViews,
            Downloads = downloads,
            UniqueDownloads = uniqueDownloads,
        });
        return this;
    }

    public AggregateSeed Activity(Activity activity, int communityId, DateOnly day, int count, int subject = 0, int detail = 0, long amount = 0)
    {
        _context.ActivityDailyStats.Add(new ActivityDailyStat
        {
            Activity = activity,
            CommunityId = communityId,
            Day = day,
            SubjectId = subject,
            DetailId = detail,
            Count = count,
            Amount = amount,
        });
        return this;
    }

    public AggregateSeed Sip(
        Label sip, Record? record = null, Community? community = null, DateTime? created = null, DateTime? sent = null,
        DateTime? processed = null, bool? succeeded = null, long? size = null)
    {
        _context.SipOutcomes.Add(new SipOutcome
        {
            SipId = sip.Id,
            RecordId = record?.Id,
            CommunityId = community?.Id,
            CreatedAt = created,
            SentAt = sent,
            ProcessedAt = processed,
            Succeeded = succeeded,
            Size = size,
        });
        return this;
    }

    public Task SaveAsync() => _context.SaveChangesAsync(Cancellation);

    public ValueTask DisposeAsync() => _context.DisposeAsync();
}
