using System.Globalization;
using Stats.Core.Access;

namespace Stats.Dashboard.Components.Pages.Admin;

/// <summary>How the Admin page names families, audiences, scopes and times.</summary>
public static class AdminLabels
{
    /// <summary>What "Days aggregated" counts, beside it on the Admin page and the Overview (docs/domain/aggregation.md).</summary>
    public const string DaysAggregatedExplanation =
        "UTC days with at least one raw event of any type that the aggregator has counted, each once: a day with only a record " +
        "published, a loan or a SIP counts too, so this can exceed the days that have views or downloads.";

    /// <summary>What a run's count of events is, beside the last run on the Admin page and the Overview.</summary>
    public const string RunEventsExplanation =
        "A run's events are the raw events it read: all of those of the days it counted again (the days changed since the run " +
        "before), robots, double-clicks and catalog events included. Not a total of the store, nor the views and downloads counted.";

    /// <summary>The audiences an admin chooses from, widest first.</summary>
    public static IReadOnlyList<Audience> Audiences { get; } =
        [Audience.Public, Audience.SignedIn, Audience.Curators | Audience.Owners, Audience.Curators, Audience.Owners, Audience.AdminsOnly];

    public static string Of(Audience audience) => audience switch
    {
        Audience.Public => "Everyone (public)",
        Audience.SignedIn => "Signed-in users",
        Audience.Curators | Audience.Owners => "Curators and owners",
        Audience.Curators => "Curators",
        Audience.Owners => "Owners",
        Audience.AdminsOnly => "Admins only",
        _ => audience.ToString(),
    };

    public static string Of(Audience? audience) => audience is { } value ? Of(value) : "no rule";

    public static string Of(StatFamily family) => family switch
    {
        StatFamily.Usage => "Views and downloads",
        StatFamily.Countries => "Countries",
        StatFamily.TopUploaders => "Top uploaders",
        StatFamily.CommunityActivity => "Community activity",
        StatFamily.Circulation => "Circulation",
        StatFamily.SipStore => "SIP store",
        StatFamily.Pipeline => "Pipeline",
        StatFamily.OwnerRankings => "Owner rankings",
        StatFamily.Organisations => "Organisations",
        StatFamily.Investigation => "Investigation",
        _ => family.ToString(),
    };

    public static string Of(RuleTarget target) => target.Kind switch
    {
        RuleScope.Global => "Whole repository",
        RuleScope.Community => $"Community {target.Id}",
        _ => $"Record {target.Id}",
    };

    public static string Of(RuleScope scope) => scope switch
    {
        RuleScope.Global => "Whole repository",
        RuleScope.Community => "A community",
        _ => "A record",
    };

    public static string Of(ApiKeyRole role) => role switch
    {
        ApiKeyRole.Public => "Anonymous visitor",
        ApiKeyRole.Admin => "Admin",
        _ => "Signed-in user",
    };

    public static string Time(DateTime? at) => at is { } value ? value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "never";

    public static string Ago(TimeSpan? age) => age switch
    {
        null => "–",
        { TotalMinutes: < 1 } => "under a minute",
        { TotalHours: < 1 } a => $"{(int)a.TotalMinutes} min",
        { TotalDays: < 2 } a => a.TotalHours.ToString("0.# h", CultureInfo.InvariantCulture),
        { } a => a.TotalDays.ToString("0.# days", CultureInfo.InvariantCulture),
    };
}
