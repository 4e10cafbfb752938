using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Grokking.Grains.Tests.Redis;

/// <summary>A real redis-server on a free loopback port with append-only persistence in a temp folder; killed and deleted on dispose.</summary>
/// <remarks>
/// Tests talk to a real server rather than a fake so that what they prove (persistence across a restart,
/// failures when the server is gone) is what production sees.
/// </remarks>
public sealed class RedisServer : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly StringBuilder _output = new();
    private Process? _process;

    public RedisServer()
    {
        DataFolder = Path.Combine(Path.GetTempPath(), "grokking-redis-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>The loopback port the server listens on; unchanged by <see cref="RestartAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>The server's process id while it runs (to signal it, e.g. freeze it with SIGSTOP); null while stopped.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>Where the server keeps its append-only files.</summary>
    public string DataFolder { get; }

    /// <summary>StackExchange.Redis configuration for this server: bounded timeouts, reconnects after a restart.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},connectTimeout=2000,syncTimeout=5000,asyncTimeout=5000,abortConnect=false";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataFolder);
        // Another process may take the free port before redis-server binds it; a fresh port then usually works.
        for (int attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && Output.Contains("Address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    /// <summary>Stops the server (SHUTDOWN, or SIGKILL when <paramref name="kill"/>) and starts it again on the same port and folder.</summary>
    public async Task RestartAsync(bool kill = false)
    {
        if (kill) Kill();
        else await ShutdownAsync();
        await StartAsync();
    }

    /// <summary>Stops the server gracefully (SHUTDOWN fsyncs the append-only file); <see cref="StartAgainAsync"/> brings it back.</summary>
    public Task StopAsync() => ShutdownAsync();

    /// <summary>Starts a stopped server again on the same port and folder.</summary>
    public Task StartAgainAsync() => StartAsync();

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Kill();
        try { Directory.Delete(DataFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private async Task StartAsync()
    {
        var executable = FindOnPath("redis-server")
            ?? throw new InvalidOperationException(
                "redis-server was not found on PATH, and the Redis tests need a real server. "
                + "Install it with `apt-get install redis-server` (Debian/Ubuntu) and run the tests again.");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--save", "", "--appendonly", "yes", "--dir", DataFolder, "--daemonize", "no",
                 })
            start.ArgumentList.Add(argument);

        lock (_output) _output.Clear();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                // The parameterless wait also drains the redirected output, so the message below is complete.
                process.WaitForExit();
                _process = null;
                var message = $"redis-server exited with code {process.ExitCode} before answering PING on port {Port}. Its output:\n{Output}";
                process.Dispose();
                throw new InvalidOperationException(message);
            }
            if (await PingAsync()) return;
            await Task.Delay(50);
        }
        Kill();
        throw new TimeoutException($"redis-server did not answer PING on port {Port} within {StartTimeout.TotalSeconds} s. Its output:\n{Output}");
    }

    private async Task ShutdownAsync()
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        // SHUTDOWN fsyncs the append-only file before exiting; the server closes the connection without a reply.
        try { await SendAsync("SHUTDOWN\r\n"); }
        catch (SocketException) { } catch (IOException) { } catch (OperationCanceledException) { }
        using var stop = new CancellationTokenSource(StopTimeout);
        try { await process.WaitForExitAsync(stop.Token); }
        catch (OperationCanceledException) { Kill(); }
        _process = null;
        process.Dispose();
    }

    private void Kill()
    {
        var process = _process;
        _process = null;
        if (process is null) return;
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(StopTimeout);
            }
        }
        catch (InvalidOperationException) { }
        process.Dispose();
    }

    private async Task<bool> PingAsync()
    {
        try { return (await SendAsync("PING\r\n")).StartsWith("+PONG", StringComparison.Ordinal); }
        catch (SocketException) { return false; }
        catch (IOException) { return false; }
        catch (OperationCanceledException) { return false; }
    }

    // Raw RESP inline commands keep the fixture independent of the client library under test.
    private async Task<string> SendAsync(string command)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command), timeout.Token);
        var buffer = new byte[64];
        int read = await stream.ReadAsync(buffer, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    private static string? FindOnPath(string name)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
