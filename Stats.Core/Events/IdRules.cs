using System.Globalization;
using System.Text;
using Stats.Core.Ingestion;

namespace Stats.Core.Events;

/// <summary>
/// What an id (a recid, a community, an owner, a client's event id...) and a free text (a title, a file key) may hold:
/// one rule for ingestion, imports and queries. Ids allow what real ids contain (letters and digits of any script,
/// <c>/</c> of handles, <c>:</c> of OAI ids, <c>.</c>, <c>-</c>, <c>_</c>, <c>~</c>, and <c>@</c> of owner ids that are
/// e-mail addresses) and nothing that could corrupt a log line, a terminal or a report (control characters, ANSI
/// escapes, NUL). Texts allow any character but controls. Both must be well-formed Unicode.
/// </summary>
public static class IdRules
{
    /// <summary>The store's id columns hold 128 characters (CatalogConfiguration): a longer id could never be stored.</summary>
    public const int MaxIdLength = 128;

    /// <summary>The store's title and file key columns hold 512 characters.</summary>
    public const int MaxTextLength = 512;

    /// <summary>The characters an id may hold besides letters, digits and combining marks.</summary>
    public const string IdPunctuation = "/:.-_~@";

    /// <summary>The event fields and query parameters that hold ids (<c>communities</c> holds a list of them).</summary>
    public static IReadOnlySet<string> IdFields { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "id", "recid", "parent_recid", "owner_id", "community", "communities", "document_id", "sip_id", "bucket_id",
    };

    /// <summary>The event fields that are free text, stored (title, file key...) or hashed (user and session ids).</summary>
    public static IReadOnlySet<string> TextFields { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "file_key", "title", "resource_type", "feature", "location", "status", "access_right", "user_id", "session_id",
    };

    /// <summary>Why <paramref name="value"/> is not an id, or null when it is one.</summary>
    public static string? IdProblem(string value)
    {
        if (value.Length > MaxIdLength)
        {
            return $"is longer than {MaxIdLength} characters";
        }

        for (var i = 0; i < value.Length;)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return "is not well-formed Unicode (a lone surrogate)";
            }

            if (!IsIdCharacter(rune))
            {
                return $"holds {Describe(rune)}, which ids may not (letters, digits and {IdPunctuation} only)";
            }

            i += used;
        }

        return null;
    }

    /// <summary>Why <paramref name="value"/> is not an acceptable text of at most <paramref name="maxLength"/> characters, or null.</summary>
    public static string? TextProblem(string value, int maxLength = MaxTextLength)
    {
        if (value.Length > maxLength)
        {
            return $"is longer than {maxLength} characters";
        }

        for (var i = 0; i < value.Length;)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return "is not well-formed Unicode (a lone surrogate)";
            }

            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control)
            {
                return $"holds {Describe(rune)}, a control character";
            }

            i += used;
        }

        return null;
    }

    /// <summary>Readable reasons why the ids and texts of an event are not acceptable; empty when they are.</summary>
    public static IReadOnlyList<string> EventProblems(IncomingEvent e)
    {
        List<string>? errors = null;
        foreach (var name in IdFields.Concat(TextFields))
        {
            var values = e.ValueOf(name) switch
            {
                string text => [text],
                IReadOnlyList<string> list => list,
                _ => [],
            };
            // A blank value is a missing one, which the catalog's required fields decide on.
            foreach (var value in values.Where(v => !string.IsNullOrWhiteSpace(v)))
            {
                if (Problem(name, value) is { } problem)
                {
                    (errors ??= []).Add($"field '{name}' {problem}");
                    break;
                }
            }
        }

        return errors ?? (IReadOnlyList<string>)[];
    }

    /// <summary>The problem of a named field or parameter's value, by whether the name is an id's: null when it is acceptable.</summary>
    public static string? Problem(string name, string value) => IdFields.Contains(name) ? IdProblem(value) : TextProblem(value);

    private static bool IsIdCharacter(Rune rune) =>
        Rune.IsLetterOrDigit(rune)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
        || (rune.IsAscii && IdPunctuation.Contains((char)rune.Value, StringComparison.Ordinal));

    private static string Describe(Rune rune) =>
        Rune.IsControl(rune) || Rune.IsWhiteSpace(rune)
            ? $"the character U+{rune.Value:X4}"
            : $"'{rune}' (U+{rune.Value:X4})";
}
