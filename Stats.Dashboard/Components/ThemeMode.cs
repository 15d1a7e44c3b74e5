namespace Stats.Dashboard.Components;

/// <summary>Light or dark: the layout cascades the current mode to pages, which pass it on to charts.</summary>
public enum ThemeMode
{
    Light,
    Dark,
}

/// <summary>
/// The visitor's light/dark choice, kept in a cookie so that the next visit is drawn in it from the first byte: read by the
/// page on the server (no light flash before a dark page), written by the layout's toggle.
/// </summary>
public static class ThemeCookie
{
    public const string Name = "stats-theme";

    /// <summary>The mode a cookie value names; none for no choice (the browser's preference then decides).</summary>
    public static ThemeMode? Parse(string? value) => value switch
    {
        "dark" => ThemeMode.Dark,
        "light" => ThemeMode.Light,
        _ => null,
    };

    public static string ValueOf(ThemeMode mode) => mode == ThemeMode.Dark ? "dark" : "light";
}
