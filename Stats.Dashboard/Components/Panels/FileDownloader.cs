using Microsoft.JSInterop;

namespace Stats.Dashboard.Components.Panels;

/// <summary>Hands a file to the browser (wwwroot/js/download.js): CSV exports and chart images.</summary>
public sealed class FileDownloader(IJSRuntime js) : IAsyncDisposable
{
    /// <summary>The module, imported relative to the document base.</summary>
    public const string ModulePath = "./js/download.js";

    private IJSObjectReference? _module;

    public async Task DownloadCsvAsync(string fileName, string csv)
    {
        var module = await ModuleAsync();
        await module.InvokeVoidAsync("downloadText", fileName, Csv.MediaType, csv);
    }

    public async Task DownloadDataUriAsync(string fileName, string dataUri)
    {
        var module = await ModuleAsync();
        await module.InvokeVoidAsync("downloadDataUri", fileName, dataUri);
    }

    private async Task<IJSObjectReference> ModuleAsync() => _module ??= await js.InvokeAsync<IJSObjectReference>("import", ModulePath);

    public async ValueTask DisposeAsync()
    {
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone, and the module with it.
            }
        }
    }
}
