using Microsoft.EntityFrameworkCore;
using Stats.Core.Events;

namespace Stats.Core.Data;

/// <summary>
/// The store: raw events, the record catalog, daily aggregates and the small administrative tables.
/// </summary>
/// <remarks>
/// Each provider has its own derived context (<see cref="SqliteStatsDbContext"/>, <see cref="SqlServerStatsDbContext"/>,
/// <see cref="PostgreSqlStatsDbContext"/>) so that each keeps its own migrations under <c>Data/Migrations/&lt;Provider&gt;</c>.
/// After a model change, add a migration for every provider from the repository root:
/// <code>
/// dotnet tool restore
/// for p in Sqlite SqlServer PostgreSql; do
///   dotnet ef migrations add &lt;Name&gt; --project Stats.Core --startup-project Stats.Dashboard \
///     --context ${p}StatsDbContext --output-dir Data/Migrations/$p
/// done
/// </code>
/// </remarks>
public abstract class StatsDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<RawEvent> RawEvents => Set<RawEvent>();

    public DbSet<EventType> EventTypes => Set<EventType>();

    public DbSet<Record> Records => Set<Record>();

    public DbSet<RecordFile> RecordFiles => Set<RecordFile>();

    public DbSet<Community> Communities => Set<Community>();

    public DbSet<RecordBucket> RecordBuckets => Set<RecordBucket>();

    public DbSet<DataProtectionKeyRow> DataProtectionKeys => Set<DataProtectionKeyRow>();

    public DbSet<Sources.Amqp.HeldEvent> HeldEvents => Set<Sources.Amqp.HeldEvent>();

    public DbSet<Label> Labels => Set<Label>();

    public DbSet<UsageDailyStat> UsageDailyStats => Set<UsageDailyStat>();

    public DbSet<CountryDailyStat> CountryDailyStats => Set<CountryDailyStat>();

    public DbSet<ActivityDailyStat> ActivityDailyStats => Set<ActivityDailyStat>();

    public DbSet<EventDailyStat> EventDailyStats => Set<EventDailyStat>();

    public DbSet<SourceDailyStat> SourceDailyStats => Set<SourceDailyStat>();

    public DbSet<ImportedDailyAggregate> ImportedDailyAggregates => Set<ImportedDailyAggregate>();

    public DbSet<ImportedRecordSource> ImportedRecordSources => Set<ImportedRecordSource>();

    public DbSet<SipOutcome> SipOutcomes => Set<SipOutcome>();

    public DbSet<DailySalt> DailySalts => Set<DailySalt>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<AccessRule> AccessRules => Set<AccessRule>();

    public DbSet<AccessRuleChange> AccessRuleChanges => Set<AccessRuleChange>();

    public DbSet<Investigation.InvestigationTrace> InvestigationTraces => Set<Investigation.InvestigationTrace>();

    public DbSet<DirtyDay> DirtyDays => Set<DirtyDay>();

    public DbSet<AggregatedDay> AggregatedDays => Set<AggregatedDay>();

    public DbSet<AggregationLease> AggregationLeases => Set<AggregationLease>();

    public DbSet<AggregationRun> AggregationRuns => Set<AggregationRun>();

    public DbSet<ExportBookmark> ExportBookmarks => Set<ExportBookmark>();

    public DbSet<ImportRun> ImportRuns => Set<ImportRun>();

    public DbSet<ImportRunFile> ImportRunFiles => Set<ImportRunFile>();

    public DbSet<HeldDownload> HeldDownloads => Set<HeldDownload>();

    public DbSet<CatalogSourceState> CatalogSourceStates => Set<CatalogSourceState>();

    public DbSet<Annotation> Annotations => Set<Annotation>();

    public DbSet<AnnotationChange> AnnotationChanges => Set<AnnotationChange>();

    /// <summary>Which provider this context talks to.</summary>
    public abstract DatabaseProvider Provider { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(StatsDbContext).Assembly);
    }
}

/// <summary>The embedded default: a SQLite file in WAL mode.</summary>
public sealed class SqliteStatsDbContext(DbContextOptions<SqliteStatsDbContext> options) : StatsDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    /// <summary>
    /// Every time in the store is UTC, but SQLite keeps text and hands it back unspecified: reads say UTC once, here,
    /// instead of in every query that shows a time (PostgreSQL's timestamptz already does).
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
        value => value, value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

/// <summary>What production deployments use.</summary>
public sealed class SqlServerStatsDbContext(DbContextOptions<SqlServerStatsDbContext> options) : StatsDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.SqlServer;
}

/// <summary>PostgreSQL, tested for real in CI.</summary>
public sealed class PostgreSqlStatsDbContext(DbContextOptions<PostgreSqlStatsDbContext> options) : StatsDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // Raw events are partitioned by month of Timestamp here, and PostgreSQL wants the partition key in every unique
        // key (ADR-017); the Partitions migration converts the table. Ids still come from one sequence, unique alone.
        var rawEvent = modelBuilder.Entity<RawEvent>();
        rawEvent.HasKey(e => new { e.Id, e.Timestamp });
        rawEvent.Property(e => e.Id).UseIdentityByDefaultColumn();
    }
}
