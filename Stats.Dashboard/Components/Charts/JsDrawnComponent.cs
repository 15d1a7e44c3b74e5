using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Stats.Dashboard.Components.Charts;

/// <summary>
/// A component that a collocated JS module draws into an element (a chart, a map): the module exports
/// <c>create(id, element, options)</c>, <c>update(id, options)</c> and <c>destroy(id)</c>. The component imports it on first
/// render, creates the drawing, sends its options again only when they changed, and destroys it when disposed, also when the
/// disposal comes while the module is still loading or creating.
/// </summary>
public abstract class JsDrawnComponent : ComponentBase, IAsyncDisposable
{
    private string? _sentOptions;
    private bool _creating;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private ILoggerFactory Loggers { get; set; } = default!;

    /// <summary>The id of the drawing in the browser.</summary>
    public abstract string Id { get; }

    /// <summary>The element the module draws into (<c>@ref</c> in the markup).</summary>
    protected ElementReference Element { get; set; }

    /// <summary>The module, once imported; null before the first render and after disposal began.</summary>
    protected IJSObjectReference? Module { get; private set; }

    protected bool IsDisposed { get; private set; }

    /// <summary>What the user reads when the browser could not draw; null while all is well.</summary>
    protected string? Failure { get; private set; }

    /// <summary>The collocated module, relative to the document base.</summary>
    protected abstract string ModuleUrl { get; }

    /// <summary>The library that draws, for the log ("ApexCharts").</summary>
    protected abstract string Library { get; }

    /// <summary>What the user reads when the drawing failed.</summary>
    protected abstract string FailureMessage { get; }

    /// <summary>The options the module receives, as JSON: compared as text to decide whether to send them again.</summary>
    internal abstract string BuildOptions();

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            if (firstRender)
            {
                var module = await JS.InvokeAsync<IJSObjectReference>("import", ModuleUrl);
                if (IsDisposed)
                {
                    await module.DisposeAsync();
                    return;
                }

                // Kept before the drawing exists, so that a dispose during the creation still destroys it
                // (the browser runs the calls in order).
                Module = module;
                _sentOptions = BuildOptions();
                _creating = true;
                try
                {
                    await module.InvokeVoidAsync("create", Id, Element, _sentOptions);
                }
                finally
                {
                    _creating = false;
                }
            }

            // Also after the first render: parameters may have changed while the drawing was being created.
            await SendChangedOptionsAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the drawing with it.
        }
        catch (JSException ex)
        {
            Loggers.CreateLogger(GetType()).LogWarning(ex, "{Library} could not draw {Id}.", Library, Id);
            Failure = FailureMessage;
            StateHasChanged();
        }
    }

    private async Task SendChangedOptionsAsync()
    {
        if (Module is null || _creating || IsDisposed)
        {
            return;
        }

        var options = BuildOptions();
        if (options == _sentOptions)
        {
            return;
        }

        _sentOptions = options;
        await Module.InvokeVoidAsync("update", Id, options);
    }

    public async ValueTask DisposeAsync()
    {
        IsDisposed = true;
        GC.SuppressFinalize(this);
        if (Module is null)
        {
            return;
        }

        try
        {
            await Module.InvokeVoidAsync("destroy", Id);
            await Module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The browser went away first; nothing is left to destroy.
        }
    }
}
