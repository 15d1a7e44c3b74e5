using Stats.Core.Events;
using Stats.Core.Ingestion;

namespace Stats.Tests.Core.Ingestion;

public sealed class EventValidatorTests
{
    private static readonly DateTimeOffset s_now = new(2024, 6, 20, 9, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<string> Validate(IncomingEvent e) => EventValidator.Validate(e, EventCatalog.Find(e.Type), s_now, TimeSpan.FromMinutes(5));

    [Fact]
    public void AValidEventOfEveryBuiltInTypeHasNoErrors()
    {
        foreach (var definition in EventCatalog.BuiltIn)
        {
            var e = new IncomingEvent
            {
                Type = definition.Name, Timestamp = s_now, Recid = "r", FileKey = "k", Community = "c", Feature = "comment",
                DocumentId = "d", SipId = "s", Status = "failed", Bytes = 1,
            };

            Assert.True(Validate(e).Count == 0, $"{definition.Name}: {string.Join("; ", Validate(e))}");
        }
    }

    [Fact]
    public void UnknownTypesAreRejectedByName()
    {
        Assert.Equal(["unknown event type 'page-liked'"], Validate(new IncomingEvent { Type = "page-liked", Timestamp = s_now }));
    }

    [Fact]
    public void EveryMissingOrBlankRequiredFieldIsNamed()
    {
        var errors = Validate(new IncomingEvent { Type = EventCatalog.FileDownload, Timestamp = s_now, Recid = " " });

        Assert.Equal(["field 'recid' is required", "field 'file_key' is required"], errors);
    }

    [Fact]
    public void ValuesOutsideTheAllowedOnesAreRejectedButCaseDoesNotMatter()
    {
        var wrong = Validate(new IncomingEvent { Type = EventCatalog.SipProcessed, Timestamp = s_now, SipId = "s", Status = "exploded" });
        var upper = Validate(new IncomingEvent { Type = EventCatalog.RecordUpdated, Timestamp = s_now, Recid = "r", AccessRight = "Restricted" });

        Assert.Equal(["field 'status' must be one of: succeeded, failed"], wrong);
        Assert.Empty(upper);
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    [InlineData(-60 * 24 * 365, true)]
    public void TimestampsMayBeOldButAtMostTheSkewInTheFuture(int minutesFromNow, bool valid)
    {
        var errors = Validate(new IncomingEvent { Type = EventCatalog.RecordView, Timestamp = s_now.AddMinutes(minutesFromNow), Recid = "r" });

        Assert.Equal(valid, errors.Count == 0);
        if (!valid)
        {
            Assert.Equal(["field 'timestamp' is 6 minutes in the future (at most 5 allowed)"], errors);
        }
    }
}
