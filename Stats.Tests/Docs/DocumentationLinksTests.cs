using System.Text;
using System.Text.RegularExpressions;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Docs;

/// <summary>
/// The repository stands on its own: the README and docs link only to what is in it, and the rules the code cites are
/// in its own <c>docs/</c>, not in notes beside the repository that a newcomer does not have.
/// </summary>
public sealed partial class DocumentationLinksTests
{
    // Folders of generated or installed files: nothing in them is ours to check.
    private static readonly HashSet<string> s_skippedFolders = new(StringComparer.Ordinal)
    {
        "bin", "obj", "node_modules", "TestResults", "App_Data", "ReferenceData", "lib",
    };

    private static readonly HashSet<string> s_textExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".razor", ".md", ".json", ".js", ".mjs", ".css", ".props", ".targets", ".csproj", ".sln", ".yml", ".yaml", ".sh", "",
    };

    [Fact]
    public void EveryRelativeLinkOfTheMarkdownFilesResolvesToAFileAndHeadingOfTheRepository()
    {
        var files = RepositoryFiles().Where(f => f.EndsWith(".md", StringComparison.OrdinalIgnoreCase)).ToList();
        var links = files.SelectMany(f => MarkdownLinks.RelativeTargets(File.ReadAllText(f)).Select(target => (File: f, Target: target))).ToList();

        // README.md, the decisions and docs/domain link to each other: finding none would mean the scan is broken.
        Assert.Contains(files, f => Path.GetFileName(f) == "README.md");
        Assert.True(links.Count >= 20, $"Only {links.Count} relative links found in {files.Count} markdown files.");
        var broken = links
            .Select(l => MarkdownLinks.Problem(Path.GetDirectoryName(l.File)!, l.Target, l.File) is { } problem ? $"{Relative(l.File)}: {problem}" : null)
            .OfType<string>()
            .ToList();
        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void EveryCitationOfADocumentUnderDocsNamesAFileAndHeadingThatExist()
    {
        var citations = RepositoryFiles()
            .SelectMany(f => DocCitation().Matches(File.ReadAllText(f)).Select(m => (File: f, Target: m.Value)))
            .ToList();

        // Code comments cite the domain rules by path and heading (docs/domain/counting.md#double-clicks).
        Assert.Contains(citations, c => c.File.EndsWith(".cs", StringComparison.Ordinal));
        var broken = citations
            .Select(c => MarkdownLinks.Problem(RepositoryPaths.Root, c.Target, c.File) is { } problem ? $"{Relative(c.File)}: {problem}" : null)
            .OfType<string>()
            .Distinct()
            .ToList();
        Assert.True(broken.Count == 0, "Citations of missing documents or headings:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void EveryDocumentAFileMentionsIsInTheRepositoryAndNothingPointsIntoTheSharedNotes()
    {
        // This file's own samples name documents that do not exist on purpose.
        var self = Path.Combine(RepositoryPaths.Root, "Stats.Tests", "Docs", nameof(DocumentationLinksTests) + ".cs");
        var files = RepositoryFiles().Where(f => f != self).ToList();
        var documents = files.Where(f => f.EndsWith(".md", StringComparison.OrdinalIgnoreCase)).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);

        var lines = files.SelectMany(f => File.ReadLines(f).Select((line, index) => (File: f, Line: index + 1, Text: line))).ToList();
        var missing = lines
            .SelectMany(l => MentionedDocument().Matches(l.Text).Select(m => (l.File, l.Line, Name: m.Groups["name"].Value)))
            .Where(m => !documents.Contains(m.Name))
            .Select(m => $"{Relative(m.File)}:{m.Line}: {m.Name}")
            .ToList();
        // Beside the repository only the reference data of some tests is read; a rule must never be left there.
        var outside = lines.Where(l => OutsidePath().IsMatch(l.Text)).Select(l => $"{Relative(l.File)}:{l.Line}: {l.Text.Trim()}").ToList();

        // The code cites docs/domain by file name: finding none would mean the scan is broken.
        Assert.Contains(lines, l => MentionedDocument().Matches(l.Text).Any(m => m.Groups["name"].Value == "counting.md"));
        Assert.True(
            missing.Count == 0 && outside.Count == 0,
            "Documents cited that the repository does not have (write the rule in docs/domain and cite that):\n" +
            string.Join("\n", missing.Concat(outside)));
    }

    [Theory]
    [InlineData("[a](missing.md)", "missing.md")]
    [InlineData("[a](present.md#no-such-heading)", "no-such-heading")]
    [InlineData("[a](#not-here)", "not-here")]
    public void ABrokenLinkOrHeadingIsReported(string markdown, string named)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("present.md"), "# Present\n## The same user, and the session\n");
        var file = folder.Combine("page.md");
        File.WriteAllText(file, "# Page\n" + markdown);

        var target = Assert.Single(MarkdownLinks.RelativeTargets(File.ReadAllText(file)));
        var problem = MarkdownLinks.Problem(folder.Path, target, file);

        Assert.NotNull(problem);
        Assert.Contains(named, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void LinksToHeadingsUseGitHubsAnchorsAndLinksInCodeAreNotLinks()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.Combine("present.md"), "# Present\n## The same user, and the session\n### `Catalog/` (new)\n");
        var file = folder.Combine("page.md");
        const string markdown = """
            [a](present.md#the-same-user-and-the-session) [b](present.md#catalog-new) [c](https://example.org/x.md)
            `[d](missing.md)`
            ```
            [e](missing.md)
            ```
            """;
        File.WriteAllText(file, markdown);

        var targets = MarkdownLinks.RelativeTargets(markdown).ToList();

        Assert.Equal(["present.md#the-same-user-and-the-session", "present.md#catalog-new"], targets);
        Assert.All(targets, t => Assert.Null(MarkdownLinks.Problem(folder.Path, t, file)));
    }

    /// <summary>The repository's own text files: sources, docs, settings, scripts; never generated or installed ones.</summary>
    private static IEnumerable<string> RepositoryFiles()
    {
        var pending = new Stack<string>([RepositoryPaths.Root]);
        while (pending.TryPop(out var folder))
        {
            foreach (var child in Directory.EnumerateDirectories(folder))
            {
                var name = Path.GetFileName(child);
                if (!s_skippedFolders.Contains(name) && (!name.StartsWith('.') || name is ".ci" or ".github"))
                {
                    pending.Push(child);
                }
            }

            foreach (var file in Directory.EnumerateFiles(folder).Where(f => s_textExtensions.Contains(Path.GetExtension(f))))
            {
                yield return file;
            }
        }
    }

    private static string Relative(string path) => Path.GetRelativePath(RepositoryPaths.Root, path);

    // A markdown document named anywhere (a link, a path, a comment), by its file name.
    [GeneratedRegex(@"(?<![\w.-])(?<name>[A-Za-z][\w.-]*\.md)\b")]
    private static partial Regex MentionedDocument();

    // A path into the folder beside the repository, other than its reference data.
    [GeneratedRegex(@"\.\./shared/(?!data\b)")]
    private static partial Regex OutsidePath();

    // A path under docs/ as code and settings cite it, from the repository root, with its heading if any.
    [GeneratedRegex(@"(?<![\w./-])docs/[\w./-]+?\.md(?:#[\w-]+)?")]
    private static partial Regex DocCitation();
}

/// <summary>The relative links of a markdown text, and whether each names a file (and heading) that exists.</summary>
internal static partial class MarkdownLinks
{
    /// <summary>Link targets that are not URLs, outside code spans and fenced code blocks.</summary>
    public static IEnumerable<string> RelativeTargets(string markdown) =>
        Link().Matches(CodeSpan().Replace(WithoutFences(markdown), ""))
            .Select(m => m.Groups["target"].Value)
            .Where(t => !Scheme().IsMatch(t));

    /// <summary>Why <paramref name="target"/>, relative to <paramref name="folder"/>, does not resolve; null when it does.</summary>
    public static string? Problem(string folder, string target, string linkingFile)
    {
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var path = hash < 0 ? target : target[..hash];
        var anchor = hash < 0 ? null : target[(hash + 1)..];
        var resolved = path.Length == 0 ? linkingFile : Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(path)));
        if (!File.Exists(resolved) && !Directory.Exists(resolved))
        {
            return $"{target}: {path} does not exist";
        }

        if (anchor is not null && !(File.Exists(resolved) && Anchors(File.ReadAllText(resolved)).Contains(anchor)))
        {
            return $"{target}: no heading of {Path.GetFileName(resolved)} has the anchor #{anchor}";
        }

        return null;
    }

    /// <summary>The anchors GitHub gives the headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered.</summary>
    public static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in WithoutFences(markdown).Split('\n'))
        {
            if (Heading().Match(line) is not { Success: true } heading)
            {
                continue;
            }

            var text = LinkText().Replace(heading.Groups["text"].Value.Trim().TrimEnd('#').Trim(), "${text}").Replace("`", "", StringComparison.Ordinal);
            var slug = new StringBuilder();
            foreach (var c in text.ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    slug.Append(c);
                }
                else if (c == ' ')
                {
                    slug.Append('-');
                }
            }

            var anchor = slug.ToString();
            for (var n = 1; !anchors.Add(anchor); n++)
            {
                anchor = $"{slug}-{n}";
            }
        }

        return anchors;
    }

    private static string WithoutFences(string markdown) => Fence().Replace(markdown.ReplaceLineEndings("\n"), "");

    [GeneratedRegex(@"^[ ]{0,3}```.*?^[ ]{0,3}```[^\n]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\[[^\]\n]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\[(?<text>[^\]\n]*)\]\([^)\n]*\)")]
    private static partial Regex LinkText();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^[ ]{0,3}#{1,6}[ \t]+(?<text>.+)$")]
    private static partial Regex Heading();
}
