using StackExchange.Redis;

namespace Grokking.Silo.Hosting;

/// <summary>
/// Checks, before a silo or client starts Orleans, that the Redis it was given answers: Orleans' Redis providers
/// would otherwise retry quietly and the process would hang instead of saying what is wrong.
/// </summary>
public static class RedisPreflight
{
    /// <summary>How long the check may take in all, well inside the 15 seconds a user waits for an answer.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(8);

    /// <summary>Null when Redis answers PING; otherwise what failed and how to fix it.</summary>
    /// <param name="source">Where the connection string came from, for the message (e.g. "--redis / GROKKING_REDIS").</param>
    public static async Task<RedisProblem?> CheckAsync(string connectionString, string source)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return new RedisProblem($"{source}: '{Redact(connectionString)}' is not a StackExchange.Redis connection string ({e.Message}); accepted: host:port[,password=...][,ssl=true]", BadInput: true);
        }
        if (options.EndPoints.Count == 0)
            return new RedisProblem($"{source}: '{Redact(connectionString)}' names no Redis endpoint; accepted: host:port[,password=...][,ssl=true]", BadInput: true);

        var endpoints = string.Join(", ", options.EndPoints.Select(e => e.ToString()));
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = (int)Math.Min(options.ConnectTimeout, Budget.TotalMilliseconds / 2);
        options.SyncTimeout = (int)Math.Min(options.SyncTimeout, Budget.TotalMilliseconds / 2);
        try
        {
            var connecting = ConnectionMultiplexer.ConnectAsync(options);
            if (await Task.WhenAny(connecting, Task.Delay(Budget)) != connecting)
                return new RedisProblem($"cannot reach Redis at {endpoints} ({source}): no answer within {Budget.TotalSeconds:F0} s. Start Redis there or fix the connection string.", BadInput: false);
            await using var redis = await connecting;
            await redis.GetDatabase().PingAsync().WaitAsync(Budget);
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException or System.Net.Sockets.SocketException)
        {
            var reason = e.Message.Split('\n')[0].Trim();
            var hint = reason.Contains("auth", StringComparison.OrdinalIgnoreCase) || reason.Contains("NOAUTH", StringComparison.Ordinal)
                ? "Check the password in the connection string."
                : "Start Redis there or fix the connection string.";
            return new RedisProblem($"cannot reach Redis at {endpoints} ({source}): {reason} {hint}", BadInput: false);
        }
    }

    // Connection strings may carry a password; never print it.
    private static string Redact(string connectionString) =>
        string.Join(',', connectionString.Split(',').Select(part =>
            part.TrimStart().StartsWith("password=", StringComparison.OrdinalIgnoreCase) ? "password=***" : part));
}

/// <summary>Why Redis cannot be used: <paramref name="BadInput"/> when the connection string itself is wrong (exit 2),
/// else the server is unreachable or refused us (exit 1).</summary>
public sealed record RedisProblem(string Message, bool BadInput)
{
    public int ExitCode => BadInput ? 2 : 1;
}
