using Stats.Core.Ingestion;

namespace Stats.Core.Events;

/// <summary>Checks an event against its type's definition in the catalog: one place for these rules, whatever the source.</summary>
public static class EventValidator
{
    /// <summary>Readable reasons why the event cannot be stored; empty when it can.</summary>
    /// <param name="definition">The definition of the event's type; null when the type is unknown.</param>
    public static IReadOnlyList<string> Validate(IncomingEvent e, EventDefinition? definition, DateTimeOffset now, TimeSpan maxFutureSkew)
    {
        if (definition is null)
        {
            return [$"unknown event type '{e.Type}'"];
        }

        var errors = new List<string>();
        foreach (var field in definition.RequiredFields)
        {
            if (e.ValueOf(field.Name) is null || (e.ValueOf(field.Name) is string text && string.IsNullOrWhiteSpace(text)))
            {
                errors.Add($"field '{field.Name}' is required");
            }
        }

        foreach (var field in definition.Fields)
        {
            if (field.AllowedValues is { } allowed && e.ValueOf(field.Name) is string value && !allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"field '{field.Name}' must be one of: {string.Join(", ", allowed)}");
            }
        }

        if (e.Timestamp > now + maxFutureSkew)
        {
            errors.Add($"field 'timestamp' is {(e.Timestamp - now).TotalMinutes:F0} minutes in the future (at most {maxFutureSkew.TotalMinutes:F0} allowed)");
        }

        return errors;
    }
}
