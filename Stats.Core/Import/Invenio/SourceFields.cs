using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Stats.Core.Import.Invenio;

/// <summary>
/// The fields of a dumped document's source that a mapper reads, found in one pass over its properties: a lookup by name
/// walks the properties each time, and a document has a dozen or more. Absent fields are undefined; a name given twice
/// keeps its last value, as a lookup does.
/// </summary>
internal static class SourceFields
{
    /// <summary>The most names one pass looks for.</summary>
    public const int MaxNames = 16;

    /// <summary>Fills <paramref name="values"/>[i] with the property named <paramref name="names"/>[i] (UTF-8).</summary>
    public static void Find(JsonElement source, byte[][] names, Span<JsonElement> values)
    {
        foreach (var property in source.EnumerateObject())
        {
            for (var i = 0; i < names.Length; i++)
            {
                if (property.NameEquals(names[i]))
                {
                    values[i] = property.Value;
                    break;
                }
            }
        }
    }

    /// <summary>Room for the values of one pass, on the stack.</summary>
    [InlineArray(MaxNames)]
    public struct Values
    {
        private JsonElement _first;
    }
}
