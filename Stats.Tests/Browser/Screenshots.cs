using Microsoft.Playwright;

namespace Stats.Tests.Browser;

/// <summary>
/// Full-page screenshots of the browser tests, for people to look at: <c>TestResults/screenshots/&lt;name&gt;.png</c> under the
/// test output folder (<see cref="AppContext.BaseDirectory"/>, e.g. Stats.Tests/bin/Debug/net10.0).
/// </summary>
public static class Screenshots
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>Saves the page and returns the file's path.</summary>
    public static async Task<string> SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);

        // From the top: scrolled, the fixed app bar would be drawn in the middle of a full-page picture.
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        var path = Path.Combine(Folder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
