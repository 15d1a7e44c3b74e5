using Stats.Core.Data;
using Stats.Core.Events;

namespace Stats.Tests.Core.Events;

public sealed class EventCatalogTests
{
    [Fact]
    public void EveryActivityIsCountedFromExactlyOneBuiltInType()
    {
        // The aggregator counts a type as its activities and the overview names an activity by its type: both read this.
        var types = EventCatalog.BuiltIn.SelectMany(d => d.CountsAs.Select(a => (Activity: a, d.Name))).ToList();

        Assert.Equal(Enum.GetValues<Activity>().Order(), types.Select(t => t.Activity).Order());
    }

    [Fact]
    public void EveryLabelledFieldIsATextFieldOfItsType()
    {
        Assert.All(EventCatalog.BuiltIn, d => Assert.All(new[] { d.Subject, d.Detail }.OfType<LabelField>(), label =>
            Assert.Equal(FieldKind.Text, d.Field(label.Field)?.Kind)));
    }

    [Fact]
    public void EveryBuiltInTypeHasADisplayNameOfItsOwnAndAnAmountFieldThatIsANumber()
    {
        Assert.Equal(EventCatalog.BuiltIn.Count, EventCatalog.BuiltIn.Select(d => d.DisplayName).Distinct().Count());
        Assert.All(EventCatalog.BuiltIn.Where(d => d.Field(d.AmountField) is not null), d => Assert.Equal(FieldKind.Number, d.Field(d.AmountField)!.Kind));
        Assert.All(EventCatalog.BuiltIn, d => Assert.False(d.IsConfigured));
    }
}
