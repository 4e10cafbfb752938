using System.Net;
using System.Net.Sockets;

namespace Grokking.Ui.Tests;

/// <summary>
/// A TCP relay between the browser and the live view that can cut every connection through it and refuse new ones
/// for a while: a real network failure as the page's event stream sees it (reset mid-stream, reconnects refused).
/// </summary>
public sealed class StreamCutter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly List<(TcpClient Inner, TcpClient Outer)> _open = [];
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _refusing;

    public StreamCutter(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Loopback, target.Port);
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections cut so far.</summary>
    public int Cuts { get; private set; }

    /// <summary>Resets every open connection and refuses (resets) new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _refusing = true;
        lock (_open)
        {
            foreach (var (inner, outer) in _open)
            {
                inner.Client.LingerState = new LingerOption(true, 0); // RST, not FIN: the page sees an error, not a clean end
                inner.Close();
                outer.Close();
                Cuts++;
            }
            _open.Clear();
        }
    }

    public void Restore() => _refusing = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inner;
            try
            {
                inner = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            if (_refusing)
            {
                inner.Client.LingerState = new LingerOption(true, 0);
                inner.Close();
                continue;
            }
            var outer = new TcpClient();
            await outer.ConnectAsync(_target);
            lock (_open) _open.Add((inner, outer));
            _ = PumpAsync(inner.GetStream(), outer.GetStream());
            _ = PumpAsync(outer.GetStream(), inner.GetStream());
        }
    }

    private static async Task PumpAsync(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            from.Close();
            to.Close();
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
