using System.Diagnostics.Metrics;

namespace Stats.Tests.Infrastructure;

/// <summary>Meters outside a host: each test's instruments are its own.</summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose() => _meters.ForEach(m => m.Dispose());
}
