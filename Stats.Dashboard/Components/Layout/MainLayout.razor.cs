using MudBlazor;

namespace Stats.Dashboard.Components.Layout;

/// <summary>
/// The shell of every page: theme, app bar, navigation drawer. The layout lives as long as the circuit, so the
/// light/dark choice made here holds for the whole visit; it starts from the browser's preference.
/// </summary>
public sealed partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private bool _isDarkMode;
    private bool _drawerOpen = true;
    private bool _modeChosen;

    private ThemeMode CurrentThemeMode => _isDarkMode ? ThemeMode.Dark : ThemeMode.Light;

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

    private void ToggleDarkMode()
    {
        _modeChosen = true;
        _isDarkMode = !_isDarkMode;
    }
}
