using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Stats.Core.Sources.Amqp;

namespace Stats.Benchmarks;

/// <summary>What the queue suite measured: draining a pre-filled queue, HTTP batches in the same run, and publish → stored latency.</summary>
internal sealed record AmqpSuiteReport(
    long Messages,
    long WarmupMessages,
    double MeanBodyBytes,
    double PublishSeconds,
    double DrainSeconds,
    long DrainEventsPerS,
    long HttpBatchEventsPerS,
    double DrainVsHttpBatches,
    long BrokerCeilingEventsPerS,
    double DrainVsBrokerCeiling,
    double BrokerCeilingClientCpuMicrosecondsPerEvent,
    double DrainCpuMicrosecondsPerEvent,
    double HttpBatchCpuMicrosecondsPerEvent,
    Cost DrainCost,
    int LatencyRatePerS,
    long LatencyMessages,
    double LatencyP50Ms,
    double LatencyP95Ms,
    IReadOnlyList<TargetCheck> Targets,
    MachineInfo Machine,
    double TotalSeconds);

/// <summary>
/// The queue consumer on the real dashboard: a queue of the run's own is filled with realistic InvenioRDM bodies (views
/// and downloads, a few hundred bytes each, published transient as kombu does), then the dashboard starts and drains
/// it into a fresh store. The queue starts with warm-up messages, drained but not measured, as the HTTP runs warm up:
/// a tenth of the run, so that the catalog knows the records and files (as on a repository that has been running) and
/// the JIT has compiled the consumer's path optimised. The clock runs from the acknowledgement of the last warm-up
/// message to that of the last message. Then, on the running dashboard, messages are published at a steady rate and each one's time
/// from publish to stored is taken: one consumer takes a queue in order, so message k is stored once k messages are
/// acknowledged, and the consumer acknowledges only after the commit. Last, the broker's own ceiling: the same bodies
/// drained by a consumer that stores nothing, which no consumer on this broker and machine can beat.
/// </summary>
internal static class AmqpDrainBenchmark
{
    /// <summary>
    /// Records in the traffic: consecutive messages name every record after this many, and every file (every fifth
    /// message is a download of one of three files of a record) after three times as many.
    /// </summary>
    private const int Records = 5_000;

    public static async Task<AmqpSuiteReport> RunAsync(BenchmarkStores stores, MachineInfo machine, Uri broker, long messages, bool quick)
    {
        var total = Stopwatch.StartNew();
        // A tenth of the run, as much time for the JIT as a drain of ten seconds has; every record at least.
        var warmup = Math.Max(Records, messages / 10);
        var queued = warmup + messages;
        var name = $"bench-{Guid.NewGuid():N}"[..14];
        var settings = new Dictionary<string, string?>
        {
            ["Stats:Sources:Amqp:Uri"] = broker.ToString(),
            ["Stats:Sources:Amqp:Exchange"] = name,
            ["Stats:Sources:Amqp:Queue"] = name + "-stats",
            ["Stats:Sources:Amqp:DeadLetterQueue"] = name + "-dead",
        };
        var factory = new ConnectionFactory { Uri = broker };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(name, ExchangeType.Direct, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(name + "-stats", durable: true, exclusive: false, autoDelete: false, arguments: null);
        await channel.QueueBindAsync(name + "-stats", name, "stats-record-view");
        await channel.QueueBindAsync(name + "-stats", name, "stats-file-download");
        try
        {
            var end = DateTime.UtcNow.AddMinutes(-2);
            Progress.Log($"amqp: publishing {warmup:N0} warm-up and {messages:N0} measured InvenioRDM bodies into {name}-stats");
            var publish = Stopwatch.StartNew();
            long bytes = 0;
            for (long i = 0; i < queued; i++)
            {
                var (key, body) = Body(i, end.AddSeconds(-(queued - i) * (47 * 3600.0 / queued)));
                bytes += body.Length;
                await channel.BasicPublishAsync(name, key, mandatory: false, s_transient, body);
            }

            while (await channel.MessageCountAsync(name + "-stats") < queued)
            {
                await Task.Delay(50);
            }

            var publishSeconds = publish.Elapsed.TotalSeconds;
            Progress.Log($"amqp: {queued:N0} messages waiting ({bytes / (double)queued:N0} bytes each); starting the dashboard");

            var store = await stores.CreateAsync("amqp");
            double drainSeconds;
            long drained;
            Cost drainCost;
            (long Count, double P50, double P95) latency;
            var rate = 5000;
            await using (var dashboard = new DashboardHost(store, settings))
            {
                dashboard.Start();
                var state = dashboard.Services.GetRequiredService<AmqpSourceState>();
                while (state.Consumed < warmup)
                {
                    await Task.Delay(1);
                }

                // Acknowledgements come a batch at a time: the clock starts on the first one at or past the warm-up.
                var meter = CostMeter.Start();
                var first = state.Consumed;
                Progress.Log($"amqp: {first:N0} warm-up messages drained; measuring");
                while (state.Consumed < queued)
                {
                    await Task.Delay(5);
                }

                drainCost = meter.Stop();
                drained = queued - first;
                drainSeconds = drainCost.Seconds * messages / drained;
                Progress.Log($"amqp: drained at {messages / drainSeconds:N0} events/s, {CpuMicroseconds(drainCost, drained):N1} µs of CPU an event");
                latency = await LatencyAsync(channel, name, state, rate, quick ? 2 : 20, end);
                Progress.Log($"amqp: publish → stored at {rate:N0}/s: p50 {latency.P50:N1} ms, p95 {latency.P95:N1} ms");
            }

            store.ClearPool();
            var httpEvents = Math.Max(5 * HttpIngestBenchmark.BatchEvents, messages / 5 / HttpIngestBenchmark.BatchEvents * HttpIngestBenchmark.BatchEvents);
            var (batches, _) = await HttpIngestBenchmark.RunAsync(await stores.CreateAsync("amqp-http"), httpEvents, 500, DateTimeOffset.UtcNow.AddMinutes(-2));
            Progress.Log($"amqp: http batches {batches.EventsPerS:N0} events/s");
            var ceiling = await BrokerCeilingAsync(connection, name + "-ceiling", httpEvents, end);
            Progress.Log($"amqp: a consumer that stores nothing drains {ceiling.EventsPerS:N0} events/s ({ceiling.ClientCpuMicroseconds:N1} µs of CPU an event)");

            var drainRate = (long)(messages / drainSeconds);
            var ratio = Math.Round(drainRate / (double)batches.EventsPerS, 3);
            return new AmqpSuiteReport(
                messages, warmup, Math.Round(bytes / (double)queued, 1), Math.Round(publishSeconds, 1), Math.Round(drainSeconds, 2), drainRate,
                batches.EventsPerS, ratio, ceiling.EventsPerS, Math.Round(drainRate / (double)ceiling.EventsPerS, 3), ceiling.ClientCpuMicroseconds,
                CpuMicroseconds(drainCost, drained),
                CpuMicroseconds(batches.Cost, batches.Events), drainCost, rate, latency.Count, Math.Round(latency.P50, 1), Math.Round(latency.P95, 1),
                [
                    new("amqp_drain_vs_http_batches", ">= 0.5", ratio, ratio >= 0.5),
                    new("amqp_drain_events_per_s", ">= 30000", drainRate, drainRate >= 30_000),
                    new("amqp_publish_to_stored_p95_ms", "< 500 at 5000 events/s", Math.Round(latency.P95, 1), latency.P95 < 500),
                ],
                machine, Math.Round(total.Elapsed.TotalSeconds, 1));
        }
        finally
        {
            await channel.QueueDeleteAsync(name + "-stats");
            await channel.QueueDeleteAsync(name + "-dead");
            await channel.QueueDeleteAsync(name + "-ceiling");
            await channel.ExchangeDeleteAsync(name);
        }
    }

    /// <summary>
    /// Fills a queue of its own with <paramref name="messages"/> bodies, then drains it with a consumer that only
    /// acknowledges, with the dashboard's prefetch and as often as the dashboard does (a batch is an eighth of the
    /// window): the rate the broker itself allows on this machine, and what such a consumer costs.
    /// </summary>
    private static async Task<(long EventsPerS, double ClientCpuMicroseconds)> BrokerCeilingAsync(IConnection connection, string queue, long messages, DateTime end)
    {
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: null);
        Progress.Log($"amqp: publishing {messages:N0} bodies into {queue}");
        for (long i = 0; i < messages; i++)
        {
            var (_, body) = Body(i, end.AddSeconds(-(messages - i) * (47 * 3600.0 / messages)));
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, s_transient, body);
        }

        while (await channel.MessageCountAsync(queue) < messages)
        {
            await Task.Delay(50);
        }

        var prefetch = new AmqpOptions().Prefetch;
        var ackEvery = Math.Max(1, prefetch / 8);
        await channel.BasicQosAsync(0, (ushort)prefetch, global: false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long received = 0;
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            received++;
            if (received % ackEvery == 0 || received == messages)
            {
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: true);
            }

            if (received == messages)
            {
                drained.TrySetResult();
            }
        };
        var meter = CostMeter.Start();
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        await drained.Task;
        var cost = meter.Stop();
        return ((long)(messages / cost.Seconds), CpuMicroseconds(cost, messages));
    }

    /// <summary>The process's CPU time per event: steadier than the wall-clock rate on a shared machine.</summary>
    private static double CpuMicroseconds(Cost cost, long events) => Math.Round(cost.CpuSeconds * 1e6 / events, 1);

    private static readonly BasicProperties s_transient = new() { DeliveryMode = DeliveryModes.Transient, ContentType = "application/json", ContentEncoding = "utf-8" };

    /// <summary>Publishes at a steady rate for some seconds and takes each message's time from publish to stored.</summary>
    private static async Task<(long Count, double P50, double P95)> LatencyAsync(IChannel channel, string exchange, AmqpSourceState state, int rate, int seconds, DateTime end)
    {
        var count = rate * seconds;
        var published = new long[count];
        var stored = new long[count];
        var baseline = state.Consumed;
        // Watches the consumer's acknowledged count: message k is stored once baseline + k + 1 are acknowledged.
        var watcher = Task.Run(async () =>
        {
            var seen = 0;
            while (seen < count)
            {
                var now = Stopwatch.GetTimestamp();
                var done = (int)Math.Min(count, state.Consumed - baseline);
                for (; seen < done; seen++)
                {
                    stored[seen] = now;
                }

                await Task.Yield();
            }
        });
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            // Paced: message i leaves at i / rate seconds.
            while (clock.Elapsed.TotalSeconds < i / (double)rate)
            {
                await Task.Yield();
            }

            var (key, body) = Body(1_000_000_000L + i, end);
            published[i] = Stopwatch.GetTimestamp();
            await channel.BasicPublishAsync(exchange, key, mandatory: false, s_transient, body);
        }

        await watcher;
        var latencies = Enumerable.Range(0, count).Select(i => Stopwatch.GetElapsedTime(published[i], stored[i]).TotalMilliseconds).Order().ToArray();
        return (count, latencies[(int)(0.50 * count)], latencies[(int)(0.95 * count)]);
    }

    /// <summary>An InvenioRDM body: four views for each download, over <see cref="Records"/> records and 50,000 visitors.</summary>
    private static (string Key, byte[] Body) Body(long i, DateTime at)
    {
        var timestamp = at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        var recid = $"bench-{i % Records}";
        var ip = $"10.{i % 50_000 / 250}.{i % 250}.{i % 7}";
        var text = i % 5 == 4
            ? $$"""{"timestamp": "{{timestamp}}", "bucket_id": "b-{{recid}}", "file_id": "f-{{i % Records}}", "file_key": "data-{{i % 3}}.csv", "size": {{1000 + (i % 90_000)}}, "referrer": null, "recid": "{{recid}}", "parent_recid": "{{recid}}-p", "via_api": false, "ip_address": "{{ip}}", "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "user_id": null, "session_id": null}"""
            : $$"""{"timestamp": "{{timestamp}}", "recid": "{{recid}}", "parent_recid": "{{recid}}-p", "referrer": "https://zenodo.org/search?q=data", "via_api": false, "ip_address": "{{ip}}", "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "user_id": null, "session_id": null}""";
        return (i % 5 == 4 ? "stats-file-download" : "stats-record-view", Encoding.UTF8.GetBytes(text));
    }
}
