using System.Net;

namespace Stats.Core.Enrichment;

/// <summary>
/// Where an event came from, as text, between enrichment and the writer, which interns each as a label
/// (<see cref="Data.LabelKind.Organisation"/>, <see cref="Data.LabelKind.Referrer"/>, <see cref="Data.LabelKind.Agent"/>).
/// </summary>
public sealed record EventSources(string? Organisation, string? Referrer, string? Agent)
{
    public bool IsEmpty => Organisation is null && Referrer is null && Agent is null;

    /// <summary>
    /// Where <see cref="Organisation"/> stands among the labels of the <see cref="AsnResolver"/> that found it (-1 when
    /// unknown), so that the writer finds its id by index (<see cref="Ingestion.CatalogResolver.FindStoredSources"/>).
    /// Not kept when an event waits (<see cref="Sources.Amqp.HeldEventStore"/>): the text is what counts.
    /// </summary>
    internal int OrganisationIndex { get; init; } = -1;

    /// <summary>
    /// The ids of the three labels that were already stored (committed) when the event was queued for writing, looked up
    /// on the caller's thread so that the single writer thread only looks up labels that were new then.
    /// </summary>
    internal (int? Organisation, int? Referrer, int? Agent) StoredIds { get; set; }
}

/// <summary>
/// The enrichment of issue 15 at the door: the network organisation of the address, the referrer's host and the user
/// agent's family, none of them personal (docs/domain/privacy.md). <c>Stats:Privacy:KeepVisitorSources</c> false turns
/// it off (an operator's choice; the ingestion benchmark compares both).
/// </summary>
public sealed class VisitorSources(AsnResolver organisations, bool enabled = true)
{
    public bool Enabled => enabled;

    /// <summary>
    /// What is kept of an event's address (parsed by <see cref="PublicAddress.Parse"/>), referrer and user-agent family;
    /// null when nothing is or enrichment is off.
    /// </summary>
    public EventSources? Describe(IPAddress? address, string? referrer, string? agentFamily)
    {
        if (!enabled)
        {
            return null;
        }

        var organisation = organisations.OrganisationOf(address, out var index);
        var sources = new EventSources(organisation, ReferrerHost.Of(referrer), agentFamily) { OrganisationIndex = index };
        return sources.IsEmpty ? null : sources;
    }
}
