using System.Runtime.CompilerServices;

namespace Stats.Tests.Infrastructure;

internal static class TestProcess
{
    /// <summary>
    /// The test process hosts several dashboards at once (in-process servers, Kestrel for the browser tests) beside the tests
    /// themselves. On a two-core machine the thread pool starts with two threads and adds about one a second when they are
    /// busy: enough threads from the start keep a page's answer from waiting behind that ramp.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(completion, 32));
    }
}
