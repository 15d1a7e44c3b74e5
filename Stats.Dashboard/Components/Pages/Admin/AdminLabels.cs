using System.Globalization;
using Stats.Core.Access;

namespace Stats.Dashboard.Components.Pages.Admin;

/// <summary>How the Admin page names families, audiences, scopes and times.</summary>
public static class AdminLabels
{
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
