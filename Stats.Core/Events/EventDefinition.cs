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

/// <summary>An event type: its name, the code raw events carry, its fields, and the aggregations it feeds.</summary>
public sealed record EventDefinition(string Name, short Code, IReadOnlyList<FieldSpec> Fields, IReadOnlyList<string> Feeds)
{
    /// <summary>Fields every event may carry (docs/domain/events.md#common-fields); <c>id</c> makes a retry idempotent.</summary>
    public static IReadOnlyList<FieldSpec> CommonFields { get; } =
    [
        FieldSpec.Req("type"), FieldSpec.Req("timestamp"), FieldSpec.Opt("id"), FieldSpec.Opt("user_id"),
        FieldSpec.Opt("session_id"), FieldSpec.Opt("ip_address"), FieldSpec.Opt("user_agent"), FieldSpec.Opt("referrer"),
    ];

    private readonly Dictionary<string, FieldSpec> _byName =
        CommonFields.Concat(Fields).ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>The spec of a field of this type, common fields included; null for a field the type does not know.</summary>
    public FieldSpec? Field(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Required fields of this type, common ones included.</summary>
    public IEnumerable<FieldSpec> RequiredFields => _byName.Values.Where(f => f.Required);
}
