using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Stats.Core;
using Stats.Core.Demo;
using Stats.Dashboard;
using Stats.Dashboard.Access;
using Stats.Dashboard.Api;
using Stats.Dashboard.Auth;
using Stats.Dashboard.Cli;
using Stats.Dashboard.Components;
using Stats.Dashboard.Embeds;

// `dotnet run --project Stats.Dashboard -- <verb>` runs a command-line verb instead of the web server.
var invocation = CommandLine.Parse(args);
if (invocation.Error is not null)
{
    Console.Error.WriteLine(invocation.Error);
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

if (invocation.Verb == CommandLine.Help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

try
{
    var builder = WebApplication.CreateBuilder(invocation.HostArgs);
    if (invocation.Verb is CommandLine.ReportDsr or CommandLine.ExportOpenAire)
    {
        // These verbs may write JSON or requests to standard output: their logs go to standard error, so that the output stays clean.
        builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    builder.AddStatsStore();
    builder.AddStatsIngestion();
    builder.AddStatsQueueSource();
    builder.AddStatsAggregation();
    builder.AddStatsRetention();
    builder.AddStatsQueries();
    builder.AddSushiApi();
    builder.AddStatsDatasetReports();
    builder.AddOpenAireExport();
    builder.AddCatalogSync();
    builder.AddDemoData();
    builder.AddStatsAuthentication();
    builder.AddReadApiCors();
    builder.AddStatsEmbeds();
    builder.Services.AddRazorComponents().AddInteractiveServerComponents();
    builder.Services.AddMudServices();
    builder.Services.AddOpenApi();
    builder.Services.AddProblemDetails();
    builder.Services.AddExceptionHandler<ApiExceptionHandler>();
    builder.Services.AddSingleton<StartupTasks>();
    // Who is signed in comes from the sign-in (ADR-010); the access rules decide what they see (ADR-009).
    builder.Services.AddCascadingAuthenticationState();
    builder.Services.AddSingleton<ViewerClaims>();
    builder.Services.AddScoped<ViewerAccess>();
    builder.Services.AddScoped<Stats.Dashboard.Components.Panels.FileDownloader>();

    var app = builder.Build();
    if (invocation.Verb is not null)
    {
        return await CommandLine.RunAsync(app, invocation);
    }

    await app.Services.GetRequiredService<StartupTasks>().RunAsync(app.Lifetime.ApplicationStopping);

    if (!app.Environment.IsDevelopment())
    {
        app.UseExceptionHandler("/Error", createScopeForErrors: true);
        app.UseHsts();
    }

    app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
    // Inside the page handlers and around authentication (an API key is checked against the store, which may be down):
    // the API (and the report harvesters' SUSHI base) answers its unhandled errors through ApiExceptionHandler (problem
    // details, RFC 7807; 503 + Retry-After for a store outage) before the pages' handlers see them.
    var sushiBase = app.Services.GetRequiredService<IOptions<Stats.Core.Reports.SushiOptions>>().Value.BasePath;
    app.UseWhen(context => ApiExceptionHandler.Covers(context, sushiBase), api =>
    {
        api.UseExceptionHandler();
        api.UseStatusCodePages();
    });
    app.UseStatsSecurity();
    app.UseAntiforgery();
    app.MapStaticAssets();
    app.MapOpenApi();
    app.MapHealthApi();
    app.MapEventsApi();
    app.MapAdminApi();
    app.MapInvestigationApi();
    app.MapMetricsApi();
    app.MapStatsApi();
    app.MapSushiApi();
    app.MapDsrApi();
    app.MapEmbedsApi();
    app.MapAccountEndpoints();
    app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

    app.Lifetime.ApplicationStarted.Register(() =>
    {
        var urls = app.Urls.Count > 0 ? string.Join(", ", app.Urls) : "(no HTTP endpoint)";
        Console.WriteLine($"Stats dashboard: {urls}  (store: {app.Services.GetRequiredService<Stats.Core.Data.StatsDbContextFactory>().Provider})");
    });

    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    // A wrong setting stops the start with one line that names it, not a stack trace.
    Console.Error.WriteLine($"Configuration error: {string.Join(" ", ex.Failures)}");
    return 1;
}

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
