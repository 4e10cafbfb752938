using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grokking.Grains.Checkpoints;
using Grokking.Grains.Fencing;
using Grokking.Grains.Tests.Metrics;
using StackExchange.Redis;

namespace Grokking.Grains.Tests.Redis;

public sealed class RedisCheckpointStoreTests(RedisServer server) : IClassFixture<RedisServer>
{
    private const int OneMegabyte = 1 << 20;

    // The saving attempt's token where the test is not about fencing.
    private const long Fence = 1;

    // Each test uses its own sweep id, so tests sharing the server never see each other's keys.
    private readonly string _sweep = "sweep-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_saved_checkpoint_loads_back_byte_for_byte()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var store = new RedisCheckpointStore(redis);
        var blob = RandomBlob(OneMegabyte, seed: 1);

        await store.SaveAsync(_sweep, "r1", Fence, blob);

        Assert.Equal(blob, await store.LoadAsync(_sweep, "r1"));
        Assert.Equal(OneMegabyte, await store.SizeAsync(_sweep, "r1"));
    }

    [Fact]
    public async Task A_save_replaces_the_previous_checkpoint_and_keeps_only_one_key_per_run()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var store = new RedisCheckpointStore(redis);
        var first = RandomBlob(OneMegabyte, seed: 2);
        var second = RandomBlob(OneMegabyte / 2, seed: 3);

        await store.SaveAsync(_sweep, "r1", Fence, first);
        await store.SaveAsync(_sweep, "r1", Fence, second);

        Assert.Equal(second, await store.LoadAsync(_sweep, "r1"));
        Assert.Equal(second.Length, await store.SizeAsync(_sweep, "r1"));
        // Beside the checkpoint, only the run's fence token, which the save checks.
        var keys = redis.GetServer(redis.GetEndPoints().Single()).Keys(pattern: $"*{_sweep}*").Select(k => k.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal([$"grokking:checkpoint:{_sweep}:r1", $"grokking:fence:{_sweep}:r1"], keys);
    }

    [Fact]
    public async Task The_blob_is_a_plain_string_value_under_the_documented_key()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var store = new RedisCheckpointStore(redis);
        var blob = RandomBlob(1000, seed: 4);

        await store.SaveAsync(_sweep, "r7", Fence, blob);

        var raw = await redis.GetDatabase().StringGetAsync($"grokking:checkpoint:{_sweep}:r7");
        Assert.Equal(blob, (byte[])raw!);
    }

    [Fact]
    public async Task A_key_prefix_keeps_two_deployments_apart()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var blue = new RedisCheckpointStore(redis, "blue:checkpoint:");
        var green = new RedisCheckpointStore(redis, "green:checkpoint:");

        await blue.SaveAsync(_sweep, "r1", Fence, RandomBlob(10, seed: 5));

        Assert.Null(await green.LoadAsync(_sweep, "r1"));
        Assert.NotNull(await blue.LoadAsync(_sweep, "r1"));
    }

    [Fact]
    public async Task A_deleted_checkpoint_is_gone()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var store = new RedisCheckpointStore(redis);
        await store.SaveAsync(_sweep, "r1", Fence, RandomBlob(OneMegabyte, seed: 6));

        await store.DeleteAsync(_sweep, "r1");

        Assert.Null(await store.LoadAsync(_sweep, "r1"));
        Assert.Equal(0, await store.SizeAsync(_sweep, "r1"));
        Assert.False(await redis.GetDatabase().KeyExistsAsync($"grokking:checkpoint:{_sweep}:r1"));
    }

    [Fact]
    public async Task A_run_without_a_checkpoint_loads_null()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var store = new RedisCheckpointStore(redis);

        Assert.Null(await store.LoadAsync(_sweep, "never-saved"));
        Assert.Equal(0, await store.SizeAsync(_sweep, "never-saved"));
    }

    [Fact]
    public async Task An_id_with_a_colon_is_refused_because_it_would_make_keys_ambiguous()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var store = new RedisCheckpointStore(redis);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync("a:b", "r1", Fence, [1]));
        Assert.Contains("':'", error.Message);
    }

    [Fact]
    public async Task A_save_carrying_a_stale_fence_token_is_refused_and_the_newer_attempts_checkpoint_stays()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var store = new RedisCheckpointStore(redis);
        var newer = RandomBlob(1000, seed: 11);
        await store.SaveAsync(_sweep, "r1", 2, newer);

        // The attempt with token 1 wakes up on a silo the cluster declared dead and tries to save.
        var refused = await Assert.ThrowsAsync<FencedOutException>(() => store.SaveAsync(_sweep, "r1", 1, RandomBlob(1000, seed: 12)));

        Assert.Equal((1L, 2L), (refused.Token, refused.Current));
        Assert.Equal(newer, await store.LoadAsync(_sweep, "r1"));
    }

    [Fact]
    public async Task A_claim_refuses_every_later_save_of_an_older_attempt_and_the_token_only_goes_up()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var output = new TempOutputFolder();
        var fence = new RedisRunFence(redis, new FileRunFence(output.Path));
        var store = new RedisCheckpointStore(redis);
        var older = RandomBlob(100, seed: 13);
        await store.SaveAsync(_sweep, "r1", 1, older);

        await fence.ClaimAsync(_sweep, "r1", 2);

        await Assert.ThrowsAsync<FencedOutException>(() => store.SaveAsync(_sweep, "r1", 1, RandomBlob(100, seed: 14)));
        Assert.Equal(older, await store.LoadAsync(_sweep, "r1"));
        await Assert.ThrowsAsync<FencedOutException>(() => fence.ClaimAsync(_sweep, "r1", 1));
        Assert.Equal(2, await fence.CurrentAsync(_sweep, "r1"));
        Assert.Equal("2", (string?)await redis.GetDatabase().StringGetAsync($"grokking:fence:{_sweep}:r1"));
        // The claim raised the fence file too, which segment renames check.
        Assert.Equal(2, await new FileRunFence(output.Path).CurrentAsync(_sweep, "r1"));
        await store.SaveAsync(_sweep, "r1", 2, RandomBlob(100, seed: 15));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_checkpoint_survives_a_restart_of_redis(bool killed)
    {
        using var own = new RedisServer();
        await own.InitializeAsync();
        var blob = RandomBlob(OneMegabyte, seed: 7);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(own.ConnectionString))
            await new RedisCheckpointStore(redis).SaveAsync(_sweep, "r1", Fence, blob);

        // SIGKILL too: Redis appends to the file before it acknowledges, so only an OS crash could lose the write.
        await own.RestartAsync(kill: killed);

        await using var reconnected = await ConnectionMultiplexer.ConnectAsync(own.ConnectionString);
        Assert.Equal(blob, await new RedisCheckpointStore(reconnected).LoadAsync(_sweep, "r1"));
    }

    [Fact]
    public async Task A_save_to_an_unreachable_server_throws_within_seconds()
    {
        int port = UnusedLoopbackPort();
        var stopwatch = Stopwatch.StartNew();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(
            $"127.0.0.1:{port},connectTimeout=2000,asyncTimeout=2000,syncTimeout=2000,abortConnect=false");
        var store = new RedisCheckpointStore(redis);

        // The outer bound turns a hang into a TimeoutException from WaitAsync, which the check below rejects.
        var error = await Record.ExceptionAsync(
            () => store.SaveAsync(_sweep, "r1", Fence, RandomBlob(1000, seed: 8)).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.NotNull(error);
        Assert.True(error is RedisException or RedisTimeoutException, $"Expected a Redis error, got {error}");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"The failed save took {stopwatch.Elapsed}.");
    }

    [Fact]
    public async Task A_save_after_redis_went_away_throws_instead_of_being_dropped()
    {
        using var own = new RedisServer();
        await own.InitializeAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(own.ConnectionString);
        var store = new RedisCheckpointStore(redis);
        await store.SaveAsync(_sweep, "r1", Fence, RandomBlob(100, seed: 9));

        own.Dispose();

        var error = await Record.ExceptionAsync(
            () => store.SaveAsync(_sweep, "r1", Fence, RandomBlob(100, seed: 10)).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(error is RedisException or RedisTimeoutException, $"Expected a Redis error, got {error?.ToString() ?? "none"}");
    }

    private static byte[] RandomBlob(int length, int seed)
    {
        var blob = new byte[length];
        new Random(seed).NextBytes(blob);
        return blob;
    }

    private static int UnusedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
