using Npgsql;
using Stats.Core.Data;

namespace Stats.Tests.Infrastructure;

/// <summary>A uniquely named database on the server of <c>STATS_TEST_POSTGRES</c>, dropped afterwards.</summary>
public sealed class PostgreSqlTestStore : TestStore
{
    private PostgreSqlTestStore(string connectionString)
        : base(DatabaseProvider.PostgreSql, connectionString)
    {
    }

    public string DatabaseName => new NpgsqlConnectionStringBuilder(ConnectionString).Database!;

    /// <summary>Creates an empty database; skips the test (fails it under CI) when no server is given or reachable.</summary>
    public static async Task<PostgreSqlTestStore> CreateAsync()
    {
        var server = await PostgreSqlServer.RequireAsync();
        var name = $"stats_test_{Guid.NewGuid():N}";
        await PostgreSqlServer.ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
        return new PostgreSqlTestStore(new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    public override async ValueTask DisposeAsync()
    {
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await PostgreSqlServer.ExecuteAsync(await PostgreSqlServer.RequireAsync(), $"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)");
    }
}

/// <summary>The PostgreSQL server the tests may use: <c>STATS_TEST_POSTGRES</c>, checked once per run.</summary>
public static class PostgreSqlServer
{
    public const string Variable = "STATS_TEST_POSTGRES";

    private static readonly Lazy<Task<(string? ConnectionString, string? Problem)>> s_server = new(ProbeAsync);

    /// <summary>The server's connection string; skips the test (fails it under CI) when there is none.</summary>
    public static async Task<string> RequireAsync()
    {
        var (connectionString, problem) = await s_server.Value;
        if (connectionString is null)
        {
            TestEnvironment.Unavailable(problem!);
        }

        return connectionString!;
    }

    /// <summary>Runs a statement on the server's maintenance database (CREATE/DROP DATABASE cannot run in a transaction).</summary>
    public static async Task ExecuteAsync(string server, string sql)
    {
        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(string?, string?)> ProbeAsync()
    {
        const string Example = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, $"PostgreSQL tests need {Variable}, a connection string to a server where they may create databases (e.g. {Example}): it is not set.");
        }

        try
        {
            await ExecuteAsync(value, "SELECT 1");
            return (value, null);
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            return (null, $"PostgreSQL tests need {Variable} to reach a server, but connecting with it failed: {ex.Message}");
        }
    }
}
