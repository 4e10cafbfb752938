using System.Net;
using System.Net.Sockets;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Grokking.Silo.Hosting;

/// <summary>
/// The cluster's Redis as a silo or the client was given it: parsed before anything is contacted, then checked
/// read-only (PING; for the client also whether any silo of the cluster id ever registered), so that a wrong address,
/// password or cluster id is reported at once, in one line, instead of hanging in Orleans' retries, and the client
/// never creates a membership table for a cluster that does not exist.
/// </summary>
public sealed class RedisAddress
{
    private const string Source = "--redis / GROKKING_REDIS";
    private static readonly TimeSpan CheckBudget = TimeSpan.FromSeconds(6);
    private readonly ConfigurationOptions _options;

    private RedisAddress(ConfigurationOptions options, string endpoints)
    {
        _options = options;
        Endpoints = endpoints;
    }

    /// <summary>The endpoints as host:port, comma-separated; never the password.</summary>
    public string Endpoints { get; }

    /// <summary>Parses a StackExchange.Redis connection string.</summary>
    /// <exception cref="RedisAddressException">The string is empty or malformed (bad input).</exception>
    public static RedisAddress Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new RedisAddressException("--redis is required (or set GROKKING_REDIS): the cluster's Redis, e.g. --redis localhost:6379. For a sweep on this machine without a cluster use 'grokking run SPEC'.");
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or RedisException)
        {
            throw new RedisAddressException($"{Source}: '{Redacted(connectionString)}' is not a StackExchange.Redis connection string ({e.Message}); accepted: host:port[,password=...][,ssl=true]");
        }
        if (options.EndPoints.Count == 0)
            throw new RedisAddressException($"{Source}: '{Redacted(connectionString)}' names no Redis endpoint; accepted: host:port[,password=...][,ssl=true]");
        return new RedisAddress(options, string.Join(", ", options.EndPoints.Select(Show)));
    }

    /// <summary>Checks, writing nothing, that Redis answers PING (what a silo needs before it starts Orleans).</summary>
    /// <exception cref="ClusterUnreachableException">Redis does not answer or refuses us.</exception>
    public Task CheckReachableAsync(CancellationToken cancellation) =>
        WithRedisAsync(async redis => await redis.GetDatabase().PingAsync().WaitAsync(CheckBudget, cancellation), cancellation);

    /// <summary>Checks, writing nothing, that Redis answers and that a silo of <paramref name="clusterId"/> has registered there.</summary>
    /// <exception cref="ClusterUnreachableException">Redis does not answer, refuses us, or knows no such cluster.</exception>
    public async Task CheckClusterAsync(string clusterId, string serviceId, CancellationToken cancellation)
    {
        var key = RedisClusteringOptions.DefaultCreateRedisKey(new ClusterOptions { ClusterId = clusterId, ServiceId = serviceId });
        bool registered = await WithRedisAsync(redis => redis.GetDatabase().KeyExistsAsync(key).WaitAsync(CheckBudget, cancellation), cancellation);
        if (!registered)
            throw new ClusterUnreachableException(
                $"no Grokking silo has joined cluster '{clusterId}' in Redis at {Endpoints}; start silos with --redis {Endpoints} --cluster-id {clusterId}, or give the silos' cluster id with --cluster-id (or GROKKING_CLUSTER_ID).",
                null);
    }

    private async Task<T> WithRedisAsync<T>(Func<IConnectionMultiplexer, Task<T>> check, CancellationToken cancellation)
    {
        var options = _options.Clone();
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = (int)Math.Min(options.ConnectTimeout, CheckBudget.TotalMilliseconds / 2);
        options.SyncTimeout = (int)Math.Min(options.SyncTimeout, CheckBudget.TotalMilliseconds / 2);
        options.AsyncTimeout = (int)Math.Min(options.AsyncTimeout, CheckBudget.TotalMilliseconds / 2);
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(CheckBudget, cancellation);
            return await check(redis);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or SocketException)
        {
            throw new ClusterUnreachableException($"cannot reach Redis at {Endpoints} ({Source}): {Reason(e)}", e);
        }
    }

    // What went wrong and what to do, in one sentence; StackExchange.Redis' own advice (abortConnect=false) does not apply here.
    private static string Reason(Exception e)
    {
        if (e is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure } || e.Message.Contains("NOAUTH", StringComparison.Ordinal)
            || e.Message.Contains("WRONGPASS", StringComparison.Ordinal))
            return "it refused the credentials. Check password= (and user=) in the connection string.";
        var socket = Inner<SocketException>(e);
        var why = socket is not null ? socket.Message.TrimEnd('.').ToLowerInvariant()
            : e is TimeoutException ? $"no answer within {CheckBudget.TotalSeconds:0} s"
            : "no Redis answered there";
        return $"{why}. Start Redis there, or give the cluster's Redis with --redis HOST:PORT (or GROKKING_REDIS).";
    }

    private static T? Inner<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    private static string Show(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint ip => ip.ToString(),
        _ => endpoint.ToString() ?? "",
    };

    /// <summary>Options whose values are safe to repeat in a message; every other value is masked.</summary>
    private static readonly HashSet<string> ShownOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "ssl", "abortConnect", "connectTimeout", "syncTimeout", "asyncTimeout", "connectRetry", "keepAlive", "allowAdmin",
        "defaultDatabase", "resolveDns", "sslProtocols", "name", "serviceName", "tiebreaker", "version",
    };

    /// <summary>
    /// The connection string for messages, with nothing secret in it whatever characters the secret holds: the
    /// endpoints before the first option are shown, after it every option's value is masked unless it is a known
    /// harmless one, and a piece without '=' after an option (the rest of a password holding a comma) is masked too.
    /// </summary>
    public static string Redacted(string connectionString)
    {
        var parts = connectionString.Split(',');
        bool options = false;
        var shown = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                shown.Add(options ? "***" : part);
                continue;
            }
            options = true;
            var key = part[..equals].Trim();
            shown.Add(ShownOptions.Contains(key) ? part : $"{key}=***");
        }
        var text = string.Join(',', shown);
        return text.Length > 200 ? text[..200] + "..." : text;
    }
}

/// <summary>The --redis connection string itself is wrong (exit code 2: bad input).</summary>
public sealed class RedisAddressException(string message) : Exception(message);
