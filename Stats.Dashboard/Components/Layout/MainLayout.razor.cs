using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Stats.Dashboard.Components.Layout;

/// <summary>
/// The shell of every page: theme, app bar, navigation drawer. The layout lives as long as the circuit, so the
/// light/dark choice made here holds for the whole visit; the choice is also kept in a cookie (<see cref="ThemeCookie"/>)
/// for the next visits. Without a choice it starts from the browser's preference.
/// </summary>
public sealed partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private bool _isDarkMode;
    private bool _drawerOpen = true;
    private bool _modeChosen;

    /// <summary>The theme cookie's value the page was requested with.</summary>
    [CascadingParameter(Name = ThemeCookie.Name)]
    private string? ThemeChosen { get; set; }

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    private ThemeMode CurrentThemeMode => _isDarkMode ? ThemeMode.Dark : ThemeMode.Light;

    protected override void OnInitialized()
    {
        if (ThemeCookie.Parse(ThemeChosen) is { } mode)
        {
            _isDarkMode = mode == ThemeMode.Dark;
            _modeChosen = true;
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && _themeProvider is not null)
        {
            var systemDark = await _themeProvider.GetSystemDarkModeAsync();
            if (!_modeChosen && systemDark != _isDarkMode)
            {
                _isDarkMode = systemDark;
                StateHasChanged();
            }
        }
    }

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    private async Task ToggleDarkMode()
    {
        _modeChosen = true;
        _isDarkMode = !_isDarkMode;
        try
        {
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            await module.InvokeVoidAsync("rememberTheme", ThemeCookie.Name, ThemeCookie.ValueOf(CurrentThemeMode));
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone: the choice holds for this visit only.
        }
    }

    /// <summary>The layout's script: keeps the theme choice in its cookie.</summary>
    public const string ModulePath = "./Components/Layout/MainLayout.razor.js";
}
