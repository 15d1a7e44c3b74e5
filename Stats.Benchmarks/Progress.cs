using System.Diagnostics;

namespace Stats.Benchmarks;

/// <summary>Progress lines on standard error, so that standard output holds only the JSON report.</summary>
internal static class Progress
{
    private static readonly Stopwatch s_clock = Stopwatch.StartNew();

    public static void Log(string message) => Console.Error.WriteLine($"[{s_clock.Elapsed:hh\\:mm\\:ss}] {message}");
}
