namespace Stats.Dashboard.Components.Pages;

/// <summary>One choice of a <see cref="QuerySelect"/>: the value in the URL (empty: the default) and what the viewer reads.</summary>
public sealed record QueryOption(string Value, string Text);
