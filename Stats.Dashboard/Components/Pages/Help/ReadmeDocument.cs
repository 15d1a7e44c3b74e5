using Markdig;

namespace Stats.Dashboard.Components.Pages.Help;

/// <summary>
/// The repository's README, built into the dashboard and rendered once: <c>/help</c> serves the version that runs, offline.
/// Its headings get GitHub's anchors, so that a link to a section works here and on the forge alike.
/// </summary>
public static class ReadmeDocument
{
    public const string ResourceName = "README.md";

    private static readonly Lazy<string> s_html = new(() => Render(ReadMarkdown()));

    /// <summary>The README as HTML; raw HTML in the Markdown is shown as text, not passed through.</summary>
    public static string Html => s_html.Value;

    public static string Render(string markdown)
    {
        var pipeline = new MarkdownPipelineBuilder()
            .UsePipeTables()
            .UseAutoIdentifiers(Markdig.Extensions.AutoIdentifiers.AutoIdentifierOptions.GitHub)
            .DisableHtml()
            .Build();
        return Markdown.ToHtml(markdown, pipeline);
    }

    private static string ReadMarkdown()
    {
        using var stream = typeof(ReadmeDocument).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The dashboard was built without its embedded {ResourceName}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
