using System.Diagnostics;

namespace Stats.Benchmarks;

/// <summary>
/// Samples the process's working set on a thread of its own (the thread pool is busy during a run) and keeps the
/// highest value seen since it started.
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(50);

    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private long _peak;

    public MemorySampler()
    {
        _peak = CurrentWorkingSet();
        _thread = new Thread(Sample) { IsBackground = true, Name = "working-set sampler" };
        _thread.Start();
    }

    /// <summary>The highest working set sampled so far, in bytes.</summary>
    public long Peak => Math.Max(Interlocked.Read(ref _peak), CurrentWorkingSet());

    public static long CurrentWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>The operating system's own high-water mark of the process's working set (VmHWM on Linux), in bytes.</summary>
    public static long ProcessPeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }

    private void Sample()
    {
        while (!_stop.Wait(s_interval))
        {
            var current = CurrentWorkingSet();
            if (current > Interlocked.Read(ref _peak))
            {
                Interlocked.Exchange(ref _peak, current);
            }
        }
    }
}
