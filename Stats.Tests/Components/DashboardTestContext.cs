using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using Stats.Core.Access;
using Stats.Core.Aggregation;
using Stats.Core.Queries;
using Stats.Dashboard.Access;
using Stats.Dashboard.Components.Panels;

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
        Services.AddSingleton<IUsageStats>(Usage);
        Services.AddSingleton<ISourceStats>(Sources);
        Services.AddSingleton<IActivityStats>(new Pages.RecordingActivityStats());
        Services.AddSingleton<ISipStoreStats>(new Pages.RecordingSipStoreStats());
        Services.AddSingleton<IAccessPolicy>(Policy);
        Services.AddSingleton<Stats.Core.Annotations.IAnnotations>(Notes);
        Services.AddSingleton<ISiteSearch>(new FakeSiteSearch());
        Services.AddSingleton<ViewerClaims>();
        Services.AddScoped<ViewerAccess>();
        Services.AddScoped<FileDownloader>();
        Authorization = AddAuthorization();
    }

    /// <summary>Who is signed in: anonymous until a test says otherwise (<c>SetAuthorized</c>, <c>SetClaims</c>).</summary>
    protected BunitAuthorizationContext Authorization { get; }

    protected FakeUsageStats Usage { get; } = new();

    /// <summary>The referrer hosts and organisations of the sources tables; none until a test sets some.</summary>
    protected FakeSourceStats Sources { get; } = new();

    protected FakeAccessPolicy Policy { get; } = new();

    /// <summary>The notes the charts draw; none until a test adds some.</summary>
    protected FakeAnnotations Notes { get; } = new();

    /// <summary>Signs a user in, as the claims the auth helper's sign-in gives (<see cref="ViewerClaims"/>).</summary>
    protected void SignIn(string userId, string name = "Test User", params string[] roles)
    {
        Authorization.SetAuthorized(name);
        Authorization.SetClaims([new Claim(ViewerClaims.UserIdClaim, userId), new Claim(ViewerClaims.NameClaim, name), .. roles.Select(r => new Claim(ViewerClaims.RoleClaim, r))]);
    }

    /// <summary>What the aggregator would publish after writing.</summary>
    protected AggregateChangeNotifier Changes { get; } = new(NullLogger<AggregateChangeNotifier>.Instance);

    protected FakeTimeProvider Clock { get; } = new(Now);

    protected FakeOverviewQueries Queries { get; } = new(Now);

    /// <summary>Renders the popover provider that the layout normally holds, for components with popovers.</summary>
    protected IRenderedComponent<MudPopoverProvider> RenderPopoverProvider() => Render<MudPopoverProvider>();
}
