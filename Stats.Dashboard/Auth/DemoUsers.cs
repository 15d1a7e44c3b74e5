using Stats.Dashboard.Access;

namespace Stats.Dashboard.Auth;

/// <summary>A user the Development sign-in offers, with the canonical claims it signs in with.</summary>
public sealed record DemoUser(string Id, string Name, string Description, IReadOnlyList<string> Roles);

/// <summary>
/// The users of the Development sign-in (no identity provider configured). They match the demo data
/// (<see cref="Stats.Core.Demo.DemoSeeder"/>): "user-001" owns the most demo records, and "hep" is a demo community.
/// </summary>
public static class DemoUsers
{
    public static IReadOnlyList<DemoUser> All { get; } =
    [
        new("demo-admin", "Ada Admin", "Administrator: sees everything.", [ViewerClaims.AdminRole]),
        new("demo-curator", "Carl Curator", "Curator of the High-Energy Physics community (hep).", [ViewerClaims.CuratorRolePrefix + "hep"]),
        new("user-001", "Olga Owner", "Owner of many demo records (owner id user-001).", []),
        new("demo-user", "Paul Plain", "A signed-in user with no role and no records.", []),
    ];

    public static DemoUser? Find(string? id) => All.FirstOrDefault(u => string.Equals(u.Id, id, StringComparison.Ordinal));
}
