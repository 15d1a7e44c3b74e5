using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Stats.Tests.Browser;
using Stats.Tests.Infrastructure;

namespace Stats.Tests.Auth;

/// <summary>
/// The OpenID Connect provider of the sign-in tests: <c>Stats.Tests/node/oidc-server.mjs</c> (the npm package
/// oidc-provider) run by the Node.js on PATH, on a loopback port. Its accounts and client are described in the script.
/// </summary>
public sealed class OidcTestProvider : IDisposable
{
    public const string ClientId = "stats-dashboard";
    public const string ClientSecret = "stats-secret";

    private readonly Process _process;
    private readonly StringBuilder _output;

    private OidcTestProvider(Process process, Uri issuer, StringBuilder output)
    {
        _process = process;
        Issuer = issuer;
        _output = output;
    }

    public Uri Issuer { get; }

    /// <summary>What the provider printed, for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the provider for a dashboard at <paramref name="dashboard"/>; skips (fails on CI) without Node.js.</summary>
    public static async Task<OidcTestProvider> StartAsync(Uri dashboard)
    {
        var script = Path.Combine(RepositoryPaths.Root, "Stats.Tests", "node", "oidc-server.mjs");
        RepositoryPaths.NodePackage("oidc-provider", "package.json");
        var port = FreePort();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(dashboard.ToString());

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception)
        {
            const string Reason = "The sign-in tests need Node.js ('node' on PATH) to run the OpenID Connect provider.";
            Assert.False(BrowserSession.OnCi, Reason);
            Assert.Skip(Reason);
            throw;
        }

        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.StartsWith("listening ", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult(new Uri(e.Data["listening ".Length..]));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The provider exited:\n{output}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var provider = new OidcTestProvider(process, new Uri($"http://127.0.0.1:{port}"), output);
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
        catch
        {
            provider.Dispose();
            throw;
        }

        return provider;
    }

    /// <summary>A loopback port free now (another process could take it before it is used, which is unlikely enough here).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
