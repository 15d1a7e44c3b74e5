using Microsoft.AspNetCore.Components;
using MudBlazor;
using Stats.Core.Access;

namespace Stats.Dashboard.Components.Pages.Admin;

public sealed partial class ApiKeysSection
{
    private readonly HashSet<string> _scopes = new(StringComparer.Ordinal) { ApiScopes.Read };
    private string? _name;
    private ApiKeyRole _readsAs;
    private string? _error;
    private bool _busy;
    private IReadOnlyList<ApiKeyInfo> _keys = [];

    [Inject]
    private ApiKeyService Keys { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    /// <summary>Raised after a key is created or revoked, so that the page's other lists of keys follow without a reload.</summary>
    [Parameter]
    public EventCallback KeysChanged { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _readsAs = Keys.DefaultReadsAs;
        _keys = await Keys.ListAsync();
    }

    private void Toggle(string scope, bool on)
    {
        if (on)
        {
            _scopes.Add(scope);
        }
        else
        {
            _scopes.Remove(scope);
        }
    }

    private async Task CreateAsync()
    {
        _error = null;
        _busy = true;
        try
        {
            var (info, key) = await Keys.CreateAsync(_name ?? "", [.. _scopes], _readsAs);
            _keys = await Keys.ListAsync();
            _name = null;
            await KeysChanged.InvokeAsync();
            // The secret lives only in the dialog: never in this component's state, never in the list.
            await Dialogs.ShowAsync<ApiKeySecretDialog>(
                "API key created",
                new DialogParameters<ApiKeySecretDialog> { { d => d.Name, info.Name }, { d => d.Key, key } },
                new DialogOptions { BackdropClick = false, CloseOnEscapeKey = false, MaxWidth = MaxWidth.Medium, FullWidth = true });
        }
        catch (ArgumentException ex)
        {
            _error = ex.Message.Split(" (Parameter", 2)[0];
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task RevokeAsync(ApiKeyInfo key)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Revoke the key?",
            $"“{key.Name}” (stats_{key.Prefix}_…) stops working at once. This cannot be undone.",
            yesText: "Revoke",
            cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        _busy = true;
        try
        {
            await Keys.RevokeAsync(key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            _keys = await Keys.ListAsync();
            await KeysChanged.InvokeAsync();
        }
        finally
        {
            _busy = false;
        }
    }
}
