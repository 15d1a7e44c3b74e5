namespace Stats.Core.Events;

/// <summary>
/// An event type known to the store. The code is what raw events carry; built-in types have fixed codes,
/// types added by configuration later get the next free code.
/// </summary>
public sealed class EventType
{
    public short Id { get; set; }

    public required string Name { get; set; }
}
