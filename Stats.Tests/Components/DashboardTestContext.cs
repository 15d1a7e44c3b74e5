using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using Stats.Core.Aggregation;
using Stats.Core.Queries;

namespace Stats.Tests.Components;

/// <summary>
/// The one bUnit setup of the dashboard's component tests: loose JS interop (MudBlazor's own calls need no
/// answers), MudBlazor services without transitions, a fake clock, a fake <see cref="IOverviewQueries"/> and an
/// <see cref="AggregateChangeNotifier"/> the test publishes on, and an anonymous viewer.
/// A test that checks JS calls switches the interop to strict itself.
/// </summary>
public abstract class DashboardTestContext : BunitContext
{
    /// <summary>Noon UTC, so that a test's "today" is far from midnight.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    protected DashboardTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.PopoverOptions.CheckForPopoverProvider = false;
        });
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton<IOverviewQueries>(Queries);
        Services.AddSingleton(Changes);
        // Anonymous unless a test signs someone in (Authorization.SetAuthorized): the layout's account menu asks.
        Authorization = AddAuthorization();
    }

    protected BunitAuthorizationContext Authorization { get; }

    /// <summary>What the aggregator would publish after writing.</summary>
    protected AggregateChangeNotifier Changes { get; } = new(NullLogger<AggregateChangeNotifier>.Instance);

    protected FakeTimeProvider Clock { get; } = new(Now);

    protected FakeOverviewQueries Queries { get; } = new(Now);

    /// <summary>Renders the popover provider that the layout normally holds, for components with popovers.</summary>
    protected IRenderedComponent<MudPopoverProvider> RenderPopoverProvider() => Render<MudPopoverProvider>();
}
