using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Stats.Core.Data;

namespace Stats.Tests.Infrastructure;

/// <summary>
/// A connection for EF's SQL Server provider that reaches no server: it records the text of every command the product
/// sends through it (queries, <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>, <c>SaveChanges</c>), answers queries with the rows
/// <see cref="Answer"/> gives (none by default) and every other command with the rows <see cref="RowsAffected"/> says (one by default). With it, statements that
/// only exist while they run can be parsed as T-SQL.
/// </summary>
public sealed class RecordingSqlServerConnection : DbConnection
{
    private ConnectionState _state = ConnectionState.Closed;

    public List<string> Statements { get; } = [];

    /// <summary>The rows a query answers, by its text; null for none.</summary>
    public Func<string, DataTable?> Answer { get; set; } = _ => null;

    /// <summary>The rows a command other than a query affects; one by default.</summary>
    public Func<DbCommand, int> RowsAffected { get; set; } = _ => 1;

    [AllowNull]
    public override string ConnectionString { get; set; } = "Server=unused;Database=stats";

    public override string Database => "stats";

    public override string DataSource => "unused";

    public override string ServerVersion => "16.00.1000";

    public override ConnectionState State => _state;

    /// <summary>A context of the product on this connection, configured as the product configures SQL Server.</summary>
    public StatsDbContext CreateContext() => new SqlServerStatsDbContext(new DbContextOptionsBuilder<SqlServerStatsDbContext>()
        .UseSqlServer(this, o => o.UseCompatibilityLevel(StatsDbContextFactory.SqlServerCompatibilityLevel))
        .Options);

    public override void ChangeDatabase(string databaseName)
    {
    }

    public override void Close() => _state = ConnectionState.Closed;

    public override void Open() => _state = ConnectionState.Open;

    protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => new Transaction(this, isolationLevel);

    protected override DbCommand CreateDbCommand() => new Command(this);

    private sealed class Transaction(RecordingSqlServerConnection connection, IsolationLevel isolationLevel) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => isolationLevel;

        protected override DbConnection DbConnection => connection;

        public override void Commit()
        {
        }

        public override void Rollback()
        {
        }
    }

    /// <summary>A command whose parameters are SqlClient's own, as the provider's type mappings configure them.</summary>
    private sealed class Command(RecordingSqlServerConnection connection) : DbCommand
    {
        private readonly SqlCommand _parameters = new();

        [AllowNull]
        public override string CommandText { get; set; } = "";

        public override int CommandTimeout { get; set; }

        public override CommandType CommandType { get; set; }

        public override bool DesignTimeVisible { get; set; }

        public override UpdateRowSource UpdatedRowSource { get; set; }

        protected override DbConnection? DbConnection { get; set; } = connection;

        protected override DbParameterCollection DbParameterCollection => _parameters.Parameters;

        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel()
        {
        }

        public override int ExecuteNonQuery()
        {
            connection.Statements.Add(CommandText);
            return connection.RowsAffected(this);
        }

        public override object? ExecuteScalar()
        {
            connection.Statements.Add(CommandText);
            return null;
        }

        public override void Prepare()
        {
        }

        protected override DbParameter CreateDbParameter() => _parameters.CreateParameter();

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
        {
            connection.Statements.Add(CommandText);
            return (connection.Answer(CommandText) ?? new DataTable()).CreateDataReader();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _parameters.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
