using System.Globalization;
using System.Text.RegularExpressions;

namespace Stats.Core.Events;

/// <summary>
/// ISO 8601 date-times as clients send them (<c>2026-01-12T10:00:00</c>, <c>...:00.123456</c>, <c>...Z</c>,
/// <c>...+01:00</c>); without an offset the time is UTC (docs/domain/events.md#common-fields). Nothing else: <c>12/01/2026 10:00</c> reads as
/// December in one country and January in another, so it is refused rather than guessed.
/// </summary>
public static partial class IsoTimestamp
{
    /// <summary>The instant of <paramref name="text"/>, or null when it is not an ISO 8601 date and time.</summary>
    public static DateTimeOffset? Parse(string text) =>
        Shape().IsMatch(text) &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
