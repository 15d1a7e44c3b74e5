using Stats.Core.Events;

namespace Stats.Core.Import;

/// <summary>What a request path matched: the route's event type and the field values its placeholders captured.</summary>
public sealed record RouteMatch(string Type, bool Preview, IReadOnlyDictionary<string, string> Values)
{
    public string? Value(string field) => Values.GetValueOrDefault(field);
}

/// <summary>
/// A compiled <see cref="ImportRoute"/>: literal segments and placeholders, matched segment by segment against a
/// URL-decoded path, so that an encoded slash (<c>%2F</c>) in a file key stays inside its segment.
/// </summary>
public sealed class RoutePattern
{
    /// <summary>The event fields a placeholder may name.</summary>
    public static IReadOnlyList<string> Fields { get; } = ["recid", "parent_recid", "file_key", "community", "document_id"];

    private readonly Segment[] _segments;
    private readonly string? _rest;

    private RoutePattern(ImportRoute route, Segment[] segments, string? rest)
    {
        Type = route.Type;
        Preview = route.Preview;
        _segments = segments;
        _rest = rest;
    }

    public string Type { get; }

    public bool Preview { get; }

    /// <summary>Compiles a route; throws <see cref="ArgumentException"/> with the problems of a route that <see cref="Check"/> refuses.</summary>
    public static RoutePattern Parse(ImportRoute route)
    {
        var problems = Check(route).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(route));
        }

        var segments = new List<Segment>();
        string? rest = null;
        foreach (var part in Split(route.Pattern))
        {
            if (Placeholder(part) is { } name)
            {
                if (name.StartsWith('*'))
                {
                    rest = name[1..];
                }
                else
                {
                    segments.Add(new Segment(null, name));
                }
            }
            else
            {
                segments.Add(new Segment(part, null));
            }
        }

        return new RoutePattern(route, [.. segments], rest);
    }

    /// <summary>Why a route cannot be used, one sentence per problem; empty when it can.</summary>
    public static IEnumerable<string> Check(ImportRoute route)
    {
        if (string.IsNullOrWhiteSpace(route.Pattern) || !route.Pattern.StartsWith('/'))
        {
            yield return $"Pattern '{route.Pattern}' must be a path starting with '/'.";
            yield break;
        }

        var parts = Split(route.Pattern);
        var names = new List<string>();
        for (var i = 0; i < parts.Length; i++)
        {
            var name = Placeholder(parts[i]);
            if (name is null)
            {
                if (parts[i].Length == 0 || parts[i].Contains('{', StringComparison.Ordinal) || parts[i].Contains('}', StringComparison.Ordinal))
                {
                    yield return $"Pattern '{route.Pattern}': a segment is either literal text or one whole {{placeholder}}, not '{parts[i]}'.";
                }

                continue;
            }

            if (name.StartsWith('*') && i != parts.Length - 1)
            {
                yield return $"Pattern '{route.Pattern}': the catch-all {{{name}}} must be the last segment.";
            }

            name = name.TrimStart('*');
            if (!Fields.Contains(name, StringComparer.Ordinal))
            {
                yield return $"Pattern '{route.Pattern}': unknown placeholder {{{name}}}; use one of {string.Join(", ", Fields.Select(f => "{" + f + "}"))}.";
            }
            else if (names.Contains(name, StringComparer.Ordinal))
            {
                yield return $"Pattern '{route.Pattern}': placeholder {{{name}}} appears twice.";
            }

            names.Add(name);
        }

        if (EventCatalog.Find(route.Type) is not { } definition)
        {
            yield return $"Type '{route.Type}' is not an event type; use e.g. {EventCatalog.RecordView} or {EventCatalog.FileDownload}.";
            yield break;
        }

        foreach (var required in definition.RequiredFields.Select(f => f.Name).Where(f => f is not ("type" or "timestamp")))
        {
            if (!names.Contains(required, StringComparer.Ordinal))
            {
                yield return $"Pattern '{route.Pattern}' needs a {{{required}}} placeholder: {route.Type} events require it.";
            }
        }
    }

    /// <summary>Matches the decoded segments of a path; the values of the placeholders, or null when it does not match.</summary>
    public Dictionary<string, string>? Match(IReadOnlyList<string> segments)
    {
        if (segments.Count < _segments.Length || (_rest is null && segments.Count != _segments.Length) ||
            (_rest is not null && segments.Count == _segments.Length))
        {
            return null;
        }

        Dictionary<string, string>? values = null;
        for (var i = 0; i < _segments.Length; i++)
        {
            var (literal, field) = _segments[i];
            if (literal is not null)
            {
                if (!string.Equals(literal, segments[i], StringComparison.Ordinal))
                {
                    return null;
                }
            }
            else if (segments[i].Length == 0)
            {
                return null;
            }
            else
            {
                (values ??= new Dictionary<string, string>(StringComparer.Ordinal))[field!] = segments[i];
            }
        }

        if (_rest is not null)
        {
            var rest = string.Join('/', segments.Skip(_segments.Length));
            if (rest.Length == 0)
            {
                return null;
            }

            (values ??= new Dictionary<string, string>(StringComparer.Ordinal))[_rest] = rest;
        }

        return values ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private static string[] Split(string pattern)
    {
        var trimmed = pattern.TrimEnd('/');
        return trimmed.Length <= 1 ? [""] : trimmed[1..].Split('/');
    }

    private static string? Placeholder(string part) =>
        part.Length > 2 && part[0] == '{' && part[^1] == '}' ? part[1..^1] : null;

    private readonly record struct Segment(string? Literal, string? Field);
}

/// <summary>The routes in force, tried in order against request paths.</summary>
public sealed class RouteTable
{
    private readonly RoutePattern[] _patterns;

    public RouteTable(IEnumerable<ImportRoute> routes)
    {
        _patterns = [.. routes.Select(RoutePattern.Parse)];
    }

    /// <summary>
    /// The first route a path matches, or null. The path is the request target without its query string, still
    /// percent-encoded: it is split on '/' first and each segment decoded after, so <c>a%2Fb</c> stays one segment.
    /// </summary>
    public RouteMatch? Match(string path)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            return null;
        }

        var trimmed = path.Length > 1 && path[^1] == '/' ? path[1..^1] : path[1..];
        var segments = trimmed.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].Contains('%', StringComparison.Ordinal))
            {
                segments[i] = Uri.UnescapeDataString(segments[i]);
            }
        }

        foreach (var pattern in _patterns)
        {
            if (pattern.Match(segments) is { } values)
            {
                return new RouteMatch(pattern.Type, pattern.Preview, values);
            }
        }

        return null;
    }
}
