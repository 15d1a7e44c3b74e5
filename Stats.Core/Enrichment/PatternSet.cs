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
    private readonly string[] _literalList;
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

        _literalList = [.. literals.Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(l => l.Length)];
        _literals = literals.Count > 0 ? SearchValues.Create(_literalList, StringComparison.OrdinalIgnoreCase) : null;
        _regexes = [.. regexes];
        Count = literals.Count + regexes.Count;
        Rejected = patterns.Distinct(StringComparer.Ordinal).Count() - Count;
    }

    /// <summary>Patterns in use.</summary>
    public int Count { get; }

    /// <summary>Patterns dropped because .NET cannot compile them.</summary>
    public int Rejected { get; }

    public bool IsMatch(string value) => FirstMatch(value) is not null;

    /// <summary>
    /// The pattern that matches <paramref name="value"/> (a plain word as the list spells it, the longest at the first
    /// place any matches; else the first regex's text), or null: it names a robot's family.
    /// </summary>
    public string? FirstMatch(string value)
    {
        if (_literals is not null && value.AsSpan().IndexOfAny(_literals) is var at and >= 0)
        {
            // Only which literal matched is unknown: a match is rare (robots), and the classifier caches its answer.
            foreach (var literal in _literalList)
            {
                if (value.AsSpan(at).StartsWith(literal, StringComparison.OrdinalIgnoreCase))
                {
                    return literal;
                }
            }
        }

        foreach (var regex in _regexes)
        {
            try
            {
                if (regex.IsMatch(value))
                {
                    return regex.ToString();
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological pattern from an operator's list must not stop ingestion: it just does not match.
            }
        }

        return null;
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
