using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RabbitMQ.Client;

namespace Stats.Tests.Infrastructure;

/// <summary>
/// A RabbitMQ broker for a test class: the one named by <c>STATS_TEST_AMQP</c> (an <c>amqp://</c> URI, which .ci/run
/// exports), or else a node of its own when <c>rabbitmq-server</c> is installed. Tests that need one skip with a message
/// when there is none, and fail under CI. Tests share a broker, so each names its own exchange and queues.
/// </summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    public const string Variable = "STATS_TEST_AMQP";

    private RabbitMqNode? _own;
    private string? _problem;

    /// <summary>The broker's URI, or null when there is none (see <see cref="Require"/>).</summary>
    public Uri? Uri { get; private set; }

    /// <summary>The broker's URI; skips the test (fails it under CI) when there is none.</summary>
    public Uri Require()
    {
        if (Uri is null)
        {
            TestEnvironment.Unavailable(_problem!);
        }

        return Uri!;
    }

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value)
        {
            Uri = new Uri(value);
            return;
        }

        if (RabbitMqNode.Problem is { } problem)
        {
            _problem = $"No RabbitMQ broker: set {Variable} (e.g. amqp://guest:guest@127.0.0.1:5672/) or install rabbitmq-server ({problem}).";
            return;
        }

        _own = await RabbitMqNode.StartAsync();
        Uri = _own.Uri;
    }

    public async ValueTask DisposeAsync()
    {
        if (_own is not null)
        {
            await _own.DisposeAsync();
        }
    }
}

/// <summary>
/// A throw-away <c>rabbitmq-server</c> node of the test's own: a loopback port, its own node name, data folder and Erlang
/// cookie, never the system service. It can be stopped and started again on the same port and data (a broker restart).
/// </summary>
public sealed class RabbitMqNode : IAsyncDisposable
{
    private const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    /// <summary>A node takes 5–10 s to start on an idle machine, far longer on a loaded one.</summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(3);

    private readonly TempFolder _folder = new();
    private readonly int _port = FreePort();
    private readonly int _distributionPort = FreePort();
    private readonly string _name = $"stats-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40] + "@localhost";

    private RabbitMqNode()
    {
    }

    /// <summary>Why no node can be started here, or null when one can.</summary>
    public static string? Problem =>
        !File.Exists(Server) ? "rabbitmq-server is not installed"
        : !OperatingSystem.IsLinux() ? "a node is started on Linux only"
        : Environment.UserName is not ("root" or "rabbitmq") ? "only root or the rabbitmq user can start a node"
        : null;

    public Uri Uri => new($"amqp://guest:guest@127.0.0.1:{_port}/");

    public static async Task<RabbitMqNode> StartAsync()
    {
        var node = new RabbitMqNode();
        File.WriteAllText(node._folder.Combine("enabled_plugins"), "[].\n");
        File.WriteAllText(node._folder.Combine("rabbitmq.conf"), "disk_free_limit.absolute = 10MB\n");
        await node.StartAgainAsync();
        return node;
    }

    /// <summary>Starts the node (again, after <see cref="StopAsync"/>) and returns once it accepts AMQP connections.</summary>
    public async Task StartAgainAsync()
    {
        var folder = _folder.Path;
        if (Environment.UserName == "root")
        {
            // The node refuses to run in a folder it cannot write, and as root.
            await RunAsync("chown", "-R", "rabbitmq:rabbitmq", folder);
        }

        var variables = string.Join(' ', new Dictionary<string, string>
        {
            ["HOME"] = folder,
            ["RABBITMQ_NODENAME"] = _name,
            ["RABBITMQ_NODE_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = _distributionPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(folder, "pid"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(folder, "rabbitmq.conf"),
        }.Select(v => $"{v.Key}='{v.Value}'"));
        var asUser = Environment.UserName == "root" ? "runuser -u rabbitmq -- " : "";
        // setsid and no inherited pipes: the node's epmd daemon would keep a pipe open, and whoever reads it would hang.
        await RunAsync("/bin/sh", "-c", $"cd '{folder}' && setsid {asUser}env {variables} {Server} </dev/null >>'{folder}/node.log' 2>&1 &");
        using var timeout = new CancellationTokenSource(s_startTimeout);
        while (!await AcceptsAsync())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"RabbitMQ node {_name} did not accept connections within {s_startTimeout}:\n{Log()}");
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Stops the node (SIGTERM, a clean shutdown) and returns once it is gone.</summary>
    public async Task StopAsync()
    {
        var pidFile = _folder.Combine("pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            return;
        }

        await RunAsync("kill", "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        // Not a child of ours (setsid, runuser): its end shows in /proc, not through a wait.
        while (Directory.Exists($"/proc/{pid}") && !timeout.IsCancellationRequested)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        File.Delete(pidFile);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _folder.Dispose();
    }

    private string Log() => File.Exists(_folder.Combine("node.log")) ? File.ReadAllText(_folder.Combine("node.log")) : "(no log)";

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            var factory = new ConnectionFactory { Uri = Uri, AutomaticRecoveryEnabled = false };
            await using var connection = await factory.CreateConnectionAsync(TestContext.Current.CancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or SocketException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(file, args);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
