using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Stats.Core.Data;
using Stats.Core.Ingestion;
using Stats.Core.Queries;

namespace Stats.Tests.Core.Data;

/// <summary>
/// SQL Server has no server here: every query the product runs is translated to SQL instead (a query EF cannot
/// translate throws here, not in production), and the migrations are scripted.
/// </summary>
public sealed class SqlServerTranslationTests : IDisposable
{
    private readonly StatsDbContext _context = new StatsDbContextFactory(DatabaseProvider.SqlServer, "Server=unused;Database=stats").CreateDbContext();

    public static TheoryData<string> Queries => [.. s_queries.Keys];

    // Every query builder of the product, by name; the arguments are arbitrary.
    private static readonly Dictionary<string, Func<StatsDbContext, IQueryable>> s_queries = new(StringComparer.Ordinal)
    {
        ["OverviewQueries.EventsPerTypePerDay"] = c => OverviewQueries.EventsPerTypePerDay(c, new DateOnly(2024, 6, 1), new DateOnly(2024, 6, 30)),
        ["EventIngestor.RecordIdOf"] = c => EventIngestor.RecordIdOf(c, "abcd-1234"),
        ["EventIngestor.RecordWithCommunities"] = c => EventIngestor.RecordWithCommunities(c, 7),
        ["EventIngestor.CommunityById"] = c => EventIngestor.CommunityById(c, 3),
        ["EventIngestor.CommunityIdOf"] = c => EventIngestor.CommunityIdOf(c, "hep"),
        ["EventIngestor.FileIdOf"] = c => EventIngestor.FileIdOf(c, 7, "data.csv"),
        ["EventIngestor.LabelIdOf"] = c => EventIngestor.LabelIdOf(c, LabelKind.Location, "Archive Annex"),
        ["EventIngestor.DirtyDaysAmong"] = c => EventIngestor.DirtyDaysAmong(c, [new DateOnly(2024, 6, 15), new DateOnly(2023, 1, 2)]),
        ["DailySaltStore.SaltOf"] = c => DailySaltStore.SaltOf(c, new DateOnly(2024, 6, 15)),
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public void QueryTranslatesToSqlServerSql(string query)
    {
        var sql = s_queries[query](_context).ToQueryString();

        Assert.Contains("SELECT", sql, StringComparison.Ordinal);
        Assert.Contains("FROM [", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void EventsPerTypePerDayGroupsByTheDateOfTheTimestampOnTheServer()
    {
        var sql = OverviewQueries.EventsPerTypePerDay(_context, new DateOnly(2024, 6, 1), new DateOnly(2024, 6, 30)).ToQueryString();

        Assert.Contains("GROUP BY", sql, StringComparison.Ordinal);
        Assert.Contains("CONVERT(date, [r].[Timestamp])", sql, StringComparison.Ordinal);
        Assert.Contains("COUNT(*)", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateScriptGenerates()
    {
        var script = _context.Database.GenerateCreateScript();

        Assert.Contains("CREATE TABLE [RawEvents]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [EventTypes]", script, StringComparison.Ordinal);
    }

    [Fact]
    public void MigrationScriptGeneratesFromAnEmptyDatabase()
    {
        var script = _context.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.Contains("__EFMigrationsHistory", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [RawEvents]", script, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO [EventTypes]", script, StringComparison.Ordinal);
        Assert.Contains(_context.Database.GetMigrations().Last(), script, StringComparison.Ordinal);
    }

    public void Dispose() => _context.Dispose();
}
