using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Stats.Core.Access;
using Stats.Core.Queries;
using Stats.Dashboard.Access;
using Stats.Dashboard.Components.Charts;

namespace Stats.Tests.Components.Pages;

/// <summary>
/// The setup of the panel pages' tests: recording query services, the real access policy with its defaults, and a
/// signed-out viewer until <see cref="SignInAsAdmin"/>. The chart and map modules are set up, so that tests can read what
/// they were sent.
/// </summary>
public abstract class PanelPageTestContext : DashboardTestContext
{
    protected PanelPageTestContext()
    {
        Services.AddSingleton<IUsageStats>(UsageQueries);
        Services.AddSingleton<IActivityStats>(ActivityQueries);
        Services.AddSingleton<ISipStoreStats>(SipQueries);

        // The real policy with its default audiences (circulation and the SIP store for admins only); community and
        // repository targets never read the catalog, so it needs no store.
        Services.AddSingleton<IAccessPolicy>(new AccessPolicy(contextFactory: null!));
        Charts = JSInterop.SetupModule(ApexChart.ModulePath);
        Maps = JSInterop.SetupModule(WorldMap.ModulePath);
    }

    protected RecordingUsageStats UsageQueries { get; } = new();

    protected RecordingActivityStats ActivityQueries { get; } = new();

    protected RecordingSipStoreStats SipQueries { get; } = new();

    protected BunitJSModuleInterop Charts { get; }

    protected BunitJSModuleInterop Maps { get; }

    protected static DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);

    /// <summary>An admin with the canonical claims the sign-in issues (<see cref="ViewerClaims"/>).</summary>
    protected void SignInAsAdmin() => SignIn("admin-1", "Ada Admin", ViewerClaims.AdminRole);

    /// <summary>Navigates to a page's URL (its query string is the panel's state) and renders the page.</summary>
    protected IRenderedComponent<TPage> RenderAt<TPage>(string relativeUrl, Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo(relativeUrl);
        return Render<TPage>(parameters);
    }

    /// <summary>The options JSON a chart was created with, by its id.</summary>
    protected System.Text.Json.JsonDocument ChartOptions(string chartId) =>
        System.Text.Json.JsonDocument.Parse((string)Charts.Invocations["create"].Last(i => (string?)i.Arguments[0] == chartId).Arguments[2]!);

    /// <summary>The options JSON a map was created with, by its id.</summary>
    protected System.Text.Json.JsonDocument MapOptions(string mapId) =>
        System.Text.Json.JsonDocument.Parse((string)Maps.Invocations["create"].Last(i => (string?)i.Arguments[0] == mapId).Arguments[2]!);

    protected static string HeadlineOf<T>(IRenderedComponent<T> cut, string key)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        cut.Find($"[data-headline='{key}'] .stats-headline-value").TextContent.Trim();

    protected static Histogram<T> Days<T>(params (DateOnly Day, T Values)[] days) =>
        new("day", [.. days.Select(d => new HistogramBucket<T>(d.Day, d.Values))]);
}
