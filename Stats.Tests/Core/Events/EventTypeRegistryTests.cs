using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Stats.Core.Data;
using Stats.Core.Events;
using Stats.Core.Ingestion;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Core.Events;

public sealed class EventTypeRegistryTests
{
    private static readonly DateTimeOffset s_now = new(2024, 6, 20, 9, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static EventTypeOptions Types(params CustomEventType[] types) => new() { Types = [.. types] };

    private static readonly CustomEventType s_printed = new() { Name = "page-printed", Required = ["recid"], Optional = ["community"] };

    [Theory]
    [MemberData(nameof(StoreProviders.All), MemberType = typeof(StoreProviders))]
    public async Task AConfiguredTypeIsAcceptedUnderACodeOfItsOwnThatSurvivesARestart(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using (var ingestion = new IngestionHarness(store, s_now, types: Types(s_printed)))
        {
            var result = await ingestion.IngestAsync(
                new IncomingEvent { Type = "page-printed", Timestamp = s_now, Recid = "rec-1" },
                new IncomingEvent { Type = "page-printed", Timestamp = s_now });

            Assert.Equal(1, result.Accepted);
            Assert.Equal(["field 'recid' is required"], Assert.Single(result.Rejected).Errors);
        }

        // After a restart, with one more type configured before the first.
        var alerted = new CustomEventType { Name = "alert-sent", Required = ["community"] };
        await using (var restarted = new IngestionHarness(store, s_now, types: Types(alerted, s_printed)))
        {
            await restarted.IngestAsync(
                new IncomingEvent { Type = "page-printed", Timestamp = s_now, Recid = "rec-1" },
                new IncomingEvent { Type = "alert-sent", Timestamp = s_now, Community = "hep" });
        }

        await using var context = store.CreateContext();
        var codes = await context.EventTypes.Where(t => t.Id > 1000).OrderBy(t => t.Id).Select(t => new { t.Id, t.Name }).ToListAsync(Cancellation);
        Assert.Equal([new { Id = (short)1001, Name = "page-printed" }, new { Id = (short)1002, Name = "alert-sent" }], codes);
        Assert.Equal([1001, 1001, 1002], await context.RawEvents.OrderBy(e => e.Id).Select(e => (int)e.TypeId).ToListAsync(Cancellation));
    }

    [Fact]
    public async Task AConfiguredTypeIsShownUnderItsDisplayNameOrElseItsName()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var registry = new EventTypeRegistry(
            Options.Create(Types(new CustomEventType { Name = "page-printed", DisplayName = "Pages printed" }, new CustomEventType { Name = "alert-sent" })),
            store.Contexts);

        var printed = await registry.FindAsync("page-printed", Cancellation);
        var alerted = await registry.FindAsync("alert-sent", Cancellation);

        Assert.Equal(("Pages printed", true), (printed!.DisplayName, printed.IsConfigured));
        Assert.Equal("alert-sent", alerted!.DisplayName);
    }

    [Fact]
    public void WrongConfiguredTypesAreReportedByTheirSetting()
    {
        var errors = EventTypeRegistry.Validate(Types(
            new CustomEventType { Name = "Page Printed" },
            new CustomEventType { Name = "record-view" },
            new CustomEventType { Name = "page-printed", Required = ["printer"] }));

        Assert.Equal(
        [
            "Stats:Events:Types:0:Name 'Page Printed' must be lower-case words joined by hyphens, like 'page-printed'.",
            "Stats:Events:Types:1:Name 'record-view' is already an event type.",
            "Stats:Events:Types:2: field 'printer' is not one the store keeps; use one of: " +
                string.Join(", ", EventCatalog.BuiltIn.SelectMany(d => d.Fields).Select(f => f.Name).Distinct().Order(StringComparer.Ordinal)) + ".",
        ], errors);
    }

    [Fact]
    public void ValidTypesHaveNoErrors()
    {
        Assert.Empty(EventTypeRegistry.Validate(Types(s_printed)));
    }
}
