namespace Stats.Dashboard.Components;

/// <summary>Light or dark: the layout cascades the current mode to pages, which pass it on to charts.</summary>
public enum ThemeMode
{
    Light,
    Dark,
}
