using System.Buffers;
using System.Text.RegularExpressions;

namespace Stats.Core.Enrichment;

/// <summary>
/// A list of user-agent patterns matched case-insensitively anywhere in the string. Most list entries are plain
/// words ("Googlebot", "Teleport Pro"): those go into one vectorised multi-string search; only the real regular
/// expressions run as regexes. One big alternation of all patterns would cost milliseconds per user agent.
/// </summary>
public sealed partial class PatternSet
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMilliseconds(100);

    private readonly SearchValues<string>? _literals;
    private readonly Regex[] _regexes;

    public PatternSet(IEnumerable<string> patterns)
    {
        var literals = new List<string>();
        var regexes = new List<Regex>();
        foreach (var pattern in patterns.Distinct(StringComparer.Ordinal))
        {
            if (AsLiteral(pattern) is { Length: > 0 } literal)
            {
                literals.Add(literal);
            }
            else if (TryCompile(pattern) is { } regex)
            {
                regexes.Add(regex);
            }
        }

        _literals = literals.Count > 0 ? SearchValues.Create([.. literals.Distinct(StringComparer.OrdinalIgnoreCase)], StringComparison.OrdinalIgnoreCase) : null;
        _regexes = [.. regexes];
        Count = literals.Count + regexes.Count;
        Rejected = patterns.Distinct(StringComparer.Ordinal).Count() - Count;
    }

    /// <summary>Patterns in use.</summary>
    public int Count { get; }

    /// <summary>Patterns dropped because .NET cannot compile them.</summary>
    public int Rejected { get; }

    public bool IsMatch(string value)
    {
        if (_literals is not null && value.AsSpan().IndexOfAny(_literals) >= 0)
        {
            return true;
        }

        foreach (var regex in _regexes)
        {
            try
            {
                if (regex.IsMatch(value))
                {
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological pattern from an operator's list must not stop ingestion: it just does not match.
            }
        }

        return false;
    }

    /// <summary>The plain text a pattern matches when it has no regex syntax beyond escaped punctuation; else null.</summary>
    internal static string? AsLiteral(string pattern)
    {
        var unescaped = EscapedPunctuation().Replace(pattern, "$1");
        return RegexSyntax().IsMatch(EscapedPunctuation().Replace(pattern, "")) ? null : unescaped;
    }

    private static Regex? TryCompile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, s_timeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\\([/.\-()\[\]{}+?*|:;_=,&@!#%~' ])")]
    private static partial Regex EscapedPunctuation();

    [GeneratedRegex(@"[\\^$.|?*+()\[\]{}]")]
    private static partial Regex RegexSyntax();
}
