using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Stats.Core.Data;
using Stats.Tests.Builders;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Embeds;

/// <summary>The dashboard whose today is <see cref="Today"/>, so that the embeds' periods (30 days, 12 months) hold fixed days.</summary>
public sealed class EmbedsDashboard : IAsyncLifetime
{
    public static readonly DateOnly Today = new(2026, 6, 15);

    private readonly DashboardFactory _factory = new();

    public EmbedsDashboard()
    {
        App = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero)))));
    }

    public WebApplicationFactory<Program> App { get; }

    public IServiceProvider Services => App.Services;

    public AggregateSeed Seed() => new(Services.GetRequiredService<IDbContextFactory<StatsDbContext>>());

    public ValueTask InitializeAsync()
    {
        _ = App.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await _factory.DisposeAsync();
    }
}
