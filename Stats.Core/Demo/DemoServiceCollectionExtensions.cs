using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Stats.Core.Demo;

/// <summary>The <c>Stats:Demo</c> settings.</summary>
public sealed class DemoDataOptions
{
    public const string SectionName = "Stats:Demo";

    /// <summary>Seed demo data at start when the store is empty; only ever on the embedded SQLite store in Development.</summary>
    public bool SeedWhenEmpty { get; set; } = true;

    /// <summary>Days of usage history the automatic seed writes.</summary>
    public int Days { get; set; } = 730;

    /// <summary>Records the automatic seed writes.</summary>
    public int Records { get; set; } = 300;
}

public static class DemoServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDemoData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoDataOptions>().BindConfiguration(DemoDataOptions.SectionName);
        builder.Services.AddSingleton<DemoSeeder>();
        return builder;
    }
}
