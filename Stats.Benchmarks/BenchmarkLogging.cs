using Microsoft.Extensions.Logging;

namespace Stats.Benchmarks;

/// <summary>The log filters every host of the benchmark shares.</summary>
internal static class BenchmarkLogging
{
    /// <summary>
    /// Leaves out what every new store says on its first migration: EF Core's probe of the migration history fails by
    /// design on an empty PostgreSQL database, and a SQLite migration warns of a PRAGMA outside its transaction. A
    /// command that really fails throws, and the run reports the exception.
    /// </summary>
    public static ILoggingBuilder AddBenchmarkFilters(this ILoggingBuilder logging) => logging
        .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None)
        .AddFilter("Microsoft.EntityFrameworkCore.Migrations", LogLevel.Error);
}
