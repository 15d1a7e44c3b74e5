using MudBlazor;

namespace Stats.Dashboard.Components.Layout;

/// <summary>The dashboard's MudBlazor theme: a calm ink-blue and teal palette for both modes.</summary>
public static class StatsTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1d5c96",
            Secondary = "#0f9b8e",
            Tertiary = "#e0862c",
            Info = "#2b7bd4",
            Success = "#2e8b57",
            Warning = "#d08a11",
            Error = "#c2413b",
            Background = "#f4f6fa",
            Surface = "#ffffff",
            AppbarBackground = "#163a5f",
            AppbarText = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "#2b3645",
            DrawerIcon = "#4b5a6e",
            TextPrimary = "#1f2a37",
            TextSecondary = "#5b6777",
            LinesDefault = "#e3e8ef",
            Divider = "#e3e8ef",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#6aa9e9",

            // White on this light blue is 2.6:1; near-black text on filled buttons is 8:1 (WCAG AA needs 4.5:1).
            PrimaryContrastText = "#0d1b2a",
            Secondary = "#3cc7b8",
            Tertiary = "#f0a560",
            Info = "#5ea3f0",
            Success = "#52c08a",
            Warning = "#f2b84b",
            Error = "#f0716a",
            Background = "#0f1520",
            Surface = "#18212f",
            AppbarBackground = "#111a27",
            AppbarText = "#e6ebf3",
            DrawerBackground = "#141c28",
            DrawerText = "#c9d2df",
            DrawerIcon = "#9aa8bb",
            TextPrimary = "#e6ebf3",
            TextSecondary = "#9aa8bb",
            LinesDefault = "#263243",
            Divider = "#263243",
        },
        LayoutProperties = new LayoutProperties
        {
            DefaultBorderRadius = "8px",
        },
    };

    /// <summary>Series colours for charts, in order, readable on both the light and the dark surface.</summary>
    public static IReadOnlyList<string> ChartColors { get; } =
    [
        "#2f80d1", "#14a394", "#e8883a", "#8c6bd6", "#d6456b", "#5fa84a", "#c9a227", "#3fb3d9",
        "#9a6b4f", "#6b7d93", "#e46fb0", "#4a5fc1", "#77b7a4", "#b0542e", "#a3a847", "#7c4d8f",
    ];
}
