using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Stats.Core.Access;
using Stats.Core.Data;

namespace Stats.Tests.Core.Data;

/// <summary>
/// SQL Server appends raw events and aggregate rows with SqlBulkCopy, and no SQL Server runs here: the plan of each
/// bulk copy is checked against the tables the SQL Server migrations create (parsed with the T-SQL grammar), the
/// statement the server would run for it is parsed, and the rows it would send are checked value by value.
/// </summary>
public sealed class SqlServerBulkCopyTests : IDisposable
{
    private readonly StatsDbContext _context = new StatsDbContextFactory(DatabaseProvider.SqlServer, "Server=unused;Database=stats").CreateDbContext();

    public static TheoryData<string> BulkCopiedTables => ["RawEvents", "UsageDailyStats", "CountryDailyStats", "ActivityDailyStats", "EventDailyStats", "SourceDailyStats"];

    [Theory]
    [MemberData(nameof(BulkCopiedTables))]
    public void ABulkCopyFillsEveryColumnTheMigrationsCreateButTheIdentityWithItsType(string table)
    {
        var plan = PlanOf(table);
        var created = CreatedColumns(table);

        Assert.Equal("dbo", plan.Schema);
        Assert.Equal(
            created.Where(c => !c.Identity).Select(c => (c.Name, c.Type)).OrderBy(c => c.Name, StringComparer.Ordinal),
            plan.Columns.Select(c => (c.Name, c.StoreType.ToLowerInvariant())).OrderBy(c => c.Name, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BulkCopiedTables))]
    public void TheStatementTheServerRunsForABulkCopyParsesAsTSql(string table)
    {
        var plan = PlanOf(table);
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(plan.InsertBulkStatement);

        var script = (TSqlScript)parser.Parse(reader, out var errors);

        Assert.Empty(errors);
        var statement = Assert.IsType<InsertBulkStatement>(Assert.Single(Assert.Single(script.Batches).Statements));
        Assert.Equal(table, statement.To.BaseIdentifier.Value);
        Assert.Equal(plan.Columns.Count, statement.ColumnDefinitions.Count);
    }

    [Fact]
    public void ARawEventIsSentWithItsEnumsAsNumbersAndItsMissingValuesAsNulls()
    {
        var at = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        var row = new RawEvent { TypeId = 3, Timestamp = at, RecordId = 17, Country = "FR", Traits = EventTraits.Robot | EventTraits.ViaApi, VisitorHash = -5 };
        var plan = SqlServerBulkCopy.PlanFor<RawEvent>(_context.Model);

        using var table = SqlServerBulkCopy.TableOf(plan, [row]);

        var sent = table.Rows[0];
        Assert.DoesNotContain(plan.Columns, c => c.Name == "Id");
        Assert.Equal((short)3, sent["TypeId"]);
        Assert.Equal(at, sent["Timestamp"]);
        Assert.Equal(17, sent["RecordId"]);
        Assert.Equal(DBNull.Value, sent["FileId"]);
        Assert.Equal("FR", sent["Country"]);
        Assert.Equal((byte)5, sent["Traits"]);
        Assert.Equal(typeof(byte), table.Columns["Traits"]!.DataType);
        Assert.Equal(-5L, sent["VisitorHash"]);
        Assert.Equal(DBNull.Value, sent["Amount"]);
    }

    [Fact]
    public void ADailyRowIsSentWithItsDayAsAMidnightDateTimeAndItsScopeAsTheStoredNumber()
    {
        var row = new UsageDailyStat
        {
            Day = new DateOnly(2026, 2, 28), Scope = StatScope.Community, ScopeId = 9, AccessMethod = AccessMethod.Machine,
            Views = 4, UniqueViews = 3, Downloads = 2, UniqueDownloads = 1, Investigations = 6, UniqueInvestigations = 4, Volume = 1L << 40,
        };
        var plan = SqlServerBulkCopy.PlanFor<UsageDailyStat>(_context.Model);

        using var table = SqlServerBulkCopy.TableOf(plan, [row]);

        var sent = table.Rows[0];
        Assert.Equal(new DateTime(2026, 2, 28), sent["Day"]);
        Assert.Equal(typeof(DateTime), table.Columns["Day"]!.DataType);
        Assert.Equal((byte)StatScope.Community, sent["Scope"]);
        Assert.Equal((byte)AccessMethod.Machine, sent["AccessMethod"]);
        Assert.Equal(1L << 40, sent["Volume"]);
    }

    public void Dispose() => _context.Dispose();

    private BulkCopyPlan PlanOf(string table) => table switch
    {
        "RawEvents" => SqlServerBulkCopy.PlanFor<RawEvent>(_context.Model),
        "UsageDailyStats" => SqlServerBulkCopy.PlanFor<UsageDailyStat>(_context.Model),
        "CountryDailyStats" => SqlServerBulkCopy.PlanFor<CountryDailyStat>(_context.Model),
        "ActivityDailyStats" => SqlServerBulkCopy.PlanFor<ActivityDailyStat>(_context.Model),
        "SourceDailyStats" => SqlServerBulkCopy.PlanFor<SourceDailyStat>(_context.Model),
        _ => SqlServerBulkCopy.PlanFor<EventDailyStat>(_context.Model),
    };

    /// <summary>The columns of <paramref name="table"/> as the SQL Server create script makes them: name, type as written, identity.</summary>
    private List<(string Name, string Type, bool Identity)> CreatedColumns(string table)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(_context.Database.GenerateCreateScript());
        var script = (TSqlScript)parser.Parse(reader, out var errors);
        Assert.Empty(errors);
        var create = script.Batches.SelectMany(b => b.Statements).OfType<CreateTableStatement>()
            .Single(s => s.SchemaObjectName.BaseIdentifier.Value == table);
        return create.Definition.ColumnDefinitions
            .Select(c => (c.ColumnIdentifier.Value, TypeOf(c.DataType), c.IdentityOptions is not null))
            .ToList();
    }

    private static string TypeOf(DataTypeReference type)
    {
        var sql = (SqlDataTypeReference)type;
        var name = sql.Name.BaseIdentifier.Value.ToLowerInvariant();
        return sql.Parameters.Count == 0 ? name : $"{name}({string.Join(",", sql.Parameters.Select(p => p.Value))})";
    }
}
