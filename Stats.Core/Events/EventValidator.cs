using System.Globalization;
using Stats.Core.Counting;
using Stats.Core.Ingestion;
using Stats.Core.Retention;

namespace Stats.Core.Events;

/// <summary>Checks an event against its type's definition in the catalog: one place for these rules, whatever the source.</summary>
public static class EventValidator
{
    /// <summary>
    /// The earliest timestamp accepted: no repository has usage from before it, and the calendar's first days have no
    /// day before them for the double-click rule to look at.
    /// </summary>
    public static readonly DateTimeOffset EarliestTimestamp = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Readable reasons why the event cannot be stored; empty when it can.</summary>
    /// <param name="definition">The definition of the event's type; null when the type is unknown.</param>
    /// <param name="retention">When given and on, events too old for the raw events kept are refused.</param>
    public static IReadOnlyList<string> Validate(
        IncomingEvent e, EventDefinition? definition, DateTimeOffset now, TimeSpan maxFutureSkew, RetentionOptions? retention = null)
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

        errors.AddRange(IdRules.EventProblems(e));
        if (e.Timestamp < EarliestTimestamp)
        {
            errors.Add($"field 'timestamp' is before {EarliestTimestamp:yyyy-MM-dd}, the earliest usage accepted");
        }

        if (e.Timestamp > now + maxFutureSkew)
        {
            errors.Add($"field 'timestamp' is {(e.Timestamp - now).TotalMinutes:F0} minutes in the future (at most {maxFutureSkew.TotalMinutes:F0} allowed)");
        }

        if (retention?.HorizonAt(now) is { } horizon)
        {
            // The raw events of days before the horizon are deleted once aggregated: a late event there would make the
            // aggregator recount its day from that event alone. The day before also counts for an event just after
            // midnight, which can close a double-click of that day.
            var timestamp = e.Timestamp.UtcDateTime;
            var day = DateOnly.FromDateTime(timestamp);
            string At() => timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            string Period() => $"the retention period ({retention.RawEventMaxAgeDays} days): raw events of days before {horizon:yyyy-MM-dd} are not kept";
            if (day < horizon)
            {
                errors.Add($"field 'timestamp' {At()} is older than {Period()}, so it could never be counted correctly");
            }
            else if (day == horizon && CounterRules.MayCloseDoubleClickOfPrecedingDay(timestamp))
            {
                errors.Add($"field 'timestamp' {At()} can close a double-click of {horizon.AddDays(-1):yyyy-MM-dd}, a day older than {Period()}");
            }
        }

        return errors;
    }
}
