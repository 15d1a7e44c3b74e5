using MudBlazor;
using Stats.Core.Access;

namespace Stats.Dashboard.Components.Layout;

/// <summary>
/// A panel of the dashboard, as the navigation drawer and the panel's own header show it. A panel with a <see cref="Family"/>
/// is listed only to viewers who may see that family repository-wide; an <see cref="AdminsOnly"/> panel only to admins; an
/// <see cref="OwnersOnly"/> one only to signed-in users who own live records (their own statistics: to others it would be an
/// empty page).
/// </summary>
public sealed record NavPanel(string Title, string Href, string Icon, StatFamily? Family = null, bool AdminsOnly = false, bool OwnersOnly = false);

/// <summary>The panels of the dashboard; <see cref="All"/> is the drawer's order. The Overview is the home page.</summary>
public static class NavPanels
{
    public static NavPanel Overview { get; } = new("Overview", "/", Icons.Material.Outlined.Dashboard);

    public static NavPanel MyStatistics { get; } = new("My statistics", "/me", Icons.Material.Outlined.Insights, OwnersOnly: true);

    public static NavPanel Records { get; } = new("Records", "/records", Icons.Material.Outlined.Description);

    public static NavPanel Communities { get; } = new("Communities", "/communities", Icons.Material.Outlined.Groups);

    public static NavPanel Users { get; } = new("Users", "/users", Icons.Material.Outlined.Person);

    public static NavPanel Circulation { get; } = new("Circulation", "/circulation", Icons.Material.Outlined.LocalLibrary, StatFamily.Circulation);

    public static NavPanel SipStore { get; } = new("SIP store", "/sip-store", Icons.Material.Outlined.Inventory2, StatFamily.SipStore);

    public static NavPanel Map { get; } = new("Map", "/map", Icons.Material.Outlined.Public);

    public static NavPanel Admin { get; } = new("Admin", "/admin", Icons.Material.Outlined.AdminPanelSettings, AdminsOnly: true);

    public static IReadOnlyList<NavPanel> All { get; } = [Overview, MyStatistics, Records, Communities, Users, Circulation, SipStore, Map, Admin];
}
