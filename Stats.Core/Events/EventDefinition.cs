using Stats.Core.Data;

namespace Stats.Core.Events;

/// <summary>The JSON type a field must have.</summary>
public enum FieldKind
{
    /// <summary>A JSON string.</summary>
    Text,

    /// <summary>A whole JSON number (bytes, counts).</summary>
    Number,

    /// <summary>A JSON boolean.</summary>
    Flag,

    /// <summary>A JSON array of strings.</summary>
    TextList,
}

/// <summary>One field of an event type.</summary>
public sealed record FieldSpec(string Name, FieldKind Kind, bool Required = false, IReadOnlyList<string>? AllowedValues = null)
{
    public static FieldSpec Req(string name, FieldKind kind = FieldKind.Text) => new(name, kind, Required: true);

    public static FieldSpec Opt(string name, FieldKind kind = FieldKind.Text) => new(name, kind);
}

/// <summary>A text field whose value raw events keep as a <see cref="Label"/> of one kind (a feature, a document, a SIP...).</summary>
public sealed record LabelField(string Field, LabelKind Kind);

/// <summary>
/// An event type, described once: its name, the code raw events carry, the name people read, its fields, which of
/// them raw events keep as labels, and what the aggregator counts it as. Ingestion, the catalog, aggregation, the
/// overview and the demo read this, not the type's name.
/// </summary>
public sealed record EventDefinition(string Name, short Code, string DisplayName, IReadOnlyList<FieldSpec> Fields)
{
    /// <summary>Types added by configuration have codes from here on; built-in types have the codes below.</summary>
    public const short FirstConfiguredCode = 1001;

    /// <summary>Fields every event may carry (docs/domain/events.md#common-fields); <c>id</c> makes a retry idempotent.</summary>
    public static IReadOnlyList<FieldSpec> CommonFields { get; } =
    [
        FieldSpec.Req("type"), FieldSpec.Req("timestamp"), FieldSpec.Opt("id"), FieldSpec.Opt("user_id"),
        FieldSpec.Opt("session_id"), FieldSpec.Opt("ip_address"), FieldSpec.Opt("user_agent"), FieldSpec.Opt("referrer"),
    ];

    private readonly Dictionary<string, FieldSpec> _byName =
        CommonFields.Concat(Fields).ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>
    /// The activities its events are counted as in <see cref="ActivityDailyStat"/>; one of two for sip-processed, by its
    /// status. Empty for views and downloads (COUNTER usage), catalog updates, and types added by configuration.
    /// </summary>
    public IReadOnlyList<Activity> CountsAs { get; init; } = [];

    /// <summary>The field raw events keep as their subject label; null when the type has none.</summary>
    public LabelField? Subject { get; init; }

    /// <summary>The field raw events keep as their detail label; null when the type has none.</summary>
    public LabelField? Detail { get; init; }

    /// <summary>The number field raw events keep as their amount (bytes downloaded, a SIP's size, the archive's size).</summary>
    public string AmountField { get; init; } = "size";

    /// <summary>A type added by configuration (<c>Stats:Events:Types</c>): counted per day in <see cref="EventDailyStat"/>.</summary>
    public bool IsConfigured => Code >= FirstConfiguredCode;

    /// <summary>The spec of a field of this type, common fields included; null for a field the type does not know.</summary>
    public FieldSpec? Field(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Required fields of this type, common ones included.</summary>
    public IEnumerable<FieldSpec> RequiredFields => _byName.Values.Where(f => f.Required);

    /// <summary>True for a code of a type added by configuration.</summary>
    public static bool IsConfiguredCode(short code) => code >= FirstConfiguredCode;
}
