using Microsoft.EntityFrameworkCore.Design;

namespace Stats.Core.Data;

// Used only by `dotnet ef migrations add`: the connection strings are placeholders, nothing connects.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteStatsDbContext>
{
    public SqliteStatsDbContext CreateDbContext(string[] args) =>
        (SqliteStatsDbContext)new StatsDbContextFactory(DatabaseProvider.Sqlite, "Data Source=design-time.db").CreateDbContext();
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerStatsDbContext>
{
    public SqlServerStatsDbContext CreateDbContext(string[] args) =>
        (SqlServerStatsDbContext)new StatsDbContextFactory(DatabaseProvider.SqlServer, "Server=design-time;Database=stats").CreateDbContext();
}

internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlStatsDbContext>
{
    public PostgreSqlStatsDbContext CreateDbContext(string[] args) =>
        (PostgreSqlStatsDbContext)new StatsDbContextFactory(DatabaseProvider.PostgreSql, "Host=design-time;Database=stats").CreateDbContext();
}
