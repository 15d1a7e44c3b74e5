using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Stats.Core.Data;

/// <summary>One column a bulk copy fills: its name and store type on the server, and how a row's value is read.</summary>
internal sealed record BulkCopyColumn(string Name, string StoreType, Type ProviderType, Func<object, object?> Read);

/// <summary>
/// What a bulk copy of one entity type sends to SQL Server: the table and the columns it fills, in the model's order.
/// <see cref="InsertBulkStatement"/> is the statement SqlBulkCopy has the server run for it, written out so that tests
/// can parse it as T-SQL.
/// </summary>
internal sealed record BulkCopyPlan(string Table, string Schema, IReadOnlyList<BulkCopyColumn> Columns)
{
    public string DestinationTableName => $"[{Schema}].[{Table}]";

    public string InsertBulkStatement =>
        $"INSERT BULK {DestinationTableName} ({string.Join(", ", Columns.Select(c => $"[{c.Name}] {c.StoreType}"))})";
}

/// <summary>
/// Appends rows on SQL Server with <see cref="SqlBulkCopy"/> inside the caller's transaction: the bulk path SQL Server
/// has where PostgreSQL has binary COPY. EF Core would send batches of parameterized INSERTs, a few hundred rows each.
/// Table, columns and value conversions come from the EF model, so a column added to an entity is copied with no edit
/// here; keys the server generates (identity) are left to it.
/// </summary>
internal static class SqlServerBulkCopy
{
    public static BulkCopyPlan PlanFor<T>(IModel model)
    {
        var entityType = model.FindEntityType(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var mapping = entityType.GetTableMappings().Single();
        var columns = mapping.ColumnMappings
            .Where(c => !(c.Property.IsPrimaryKey() && c.Property.ValueGenerated.HasFlag(ValueGenerated.OnAdd)))
            .Select(c => ColumnOf(c.Property, c.Column, c.TypeMapping))
            .ToList();
        return new BulkCopyPlan(mapping.Table.Name, mapping.Table.Schema ?? "dbo", columns);
    }

    /// <summary>The rows as the table SqlBulkCopy reads: one column per plan column, values already in their provider types.</summary>
    public static DataTable TableOf<T>(BulkCopyPlan plan, IEnumerable<T> rows)
        where T : class
    {
        var table = new DataTable(plan.Table);
        foreach (var column in plan.Columns)
        {
            table.Columns.Add(column.Name, column.ProviderType);
        }

        var values = new object[plan.Columns.Count];
        foreach (var row in rows)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = plan.Columns[i].Read(row) ?? DBNull.Value;
            }

            table.Rows.Add(values);
        }

        return table;
    }

    public static async Task WriteAsync<T>(StatsDbContext context, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var transaction = context.Database.CurrentTransaction?.GetDbTransaction() as SqlTransaction
            ?? throw new InvalidOperationException("Bulk copies run inside the writer's SQL Server transaction.");
        var plan = PlanFor<T>(context.Model);
        using var table = TableOf(plan, rows);
        // No triggers to fire and no constraints beyond the keys, which the server checks either way.
        using var copy = new SqlBulkCopy((SqlConnection)context.Database.GetDbConnection(), SqlBulkCopyOptions.Default, transaction)
        {
            DestinationTableName = plan.DestinationTableName,
            BatchSize = 0,
            BulkCopyTimeout = 0,
            EnableStreaming = true,
        };
        foreach (var column in plan.Columns)
        {
            copy.ColumnMappings.Add(column.Name, column.Name);
        }

        await copy.WriteToServerAsync(table, cancellationToken);
    }

    private static BulkCopyColumn ColumnOf(IProperty property, IColumnBase column, RelationalTypeMapping typeMapping)
    {
        var getter = property.GetGetter();
        var converter = typeMapping.Converter;
        var providerType = Nullable.GetUnderlyingType(converter?.ProviderClrType ?? typeMapping.ClrType)
            ?? converter?.ProviderClrType ?? typeMapping.ClrType;
        Func<object, object?> read = converter is null
            ? row => getter.GetClrValueUsingContainingEntity(row)
            : row => getter.GetClrValueUsingContainingEntity(row) is { } value ? converter.ConvertToProvider(value) : null;
        // A DataTable column of DateOnly is not one SqlBulkCopy converts; a DateTime at midnight goes into a date column.
        if (providerType == typeof(DateOnly))
        {
            var readDay = read;
            read = row => readDay(row) is DateOnly day ? day.ToDateTime(TimeOnly.MinValue) : null;
            providerType = typeof(DateTime);
        }

        return new BulkCopyColumn(column.Name, column.StoreType, providerType, read);
    }
}
