namespace Stats.Tests.Auth;

/// <summary>What <c>GET /account/me</c> answers.</summary>
public sealed record Viewer(bool IsSignedIn, string? UserId, string? DisplayName, bool IsAdmin, string[] CuratedCommunities);
