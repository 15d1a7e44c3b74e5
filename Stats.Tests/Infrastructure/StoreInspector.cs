using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Stats.Core.Data;

namespace Stats.Tests.Infrastructure;

/// <summary>Reads a store table by table, below the model: what is really in the database.</summary>
public static class StoreInspector
{
    /// <summary>Every table of the model, including join tables, as delimited names.</summary>
    public static IReadOnlyList<string> Tables(StatsDbContext context)
    {
        var sql = context.GetService<ISqlGenerationHelper>();
        return [.. context.Model.GetRelationalModel().Tables.Select(t => sql.DelimitIdentifier(t.Name, t.Schema))];
    }

    /// <summary>Every value of every row of a table, as the provider returns it.</summary>
    public static async Task<IReadOnlyList<object?[]>> RowsAsync(StatsDbContext context, string table)
    {
        var connection = context.Database.GetDbConnection();
        await context.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            var rows = new List<object?[]>();
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                rows.Add(Values(reader));
            }

            return rows;
        }
        finally
        {
            await context.Database.CloseConnectionAsync();
        }
    }

    private static object?[] Values(DbDataReader reader)
    {
        var values = new object?[reader.FieldCount];
        for (var i = 0; i < reader.FieldCount; i++)
        {
            values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
        }

        return values;
    }
}
