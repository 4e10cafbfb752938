using System.Net;
using System.Net.Sockets;
using Grokking.Grains.Checkpoints;
using Grokking.Grains.Engine;
using Grokking.Grains.Fencing;
using Grokking.Grains.Metrics;
using Grokking.Grains.Placement;
using Grokking.Grains.Runs;
using Grokking.Grains.Storage;
using Grokking.Grains.Sweeps;
using Grokking.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using StackExchange.Redis;

namespace Grokking.Silo.Hosting;

/// <summary>Wires a Grokking silo into a host: embedded (localhost, files) or cluster (Redis).</summary>
public static class SiloHostingExtensions
{
    /// <summary>A silo in this host: embedded when <see cref="SiloOptions.Redis"/> is unset, else part of a Redis cluster.</summary>
    public static IHostApplicationBuilder AddGrokkingSilo(this IHostApplicationBuilder builder, SiloOptions options)
    {
        var accelerator = options.Accelerator ?? TorchRuntime.DetectAccelerator();
        TorchRuntime.Initialise(options.TorchThreads, useGpu: accelerator == "gpu" && TorchRuntime.DetectAccelerator() == "gpu");
        var engine = new EngineOptions
        {
            Slots = options.Slots, Accelerator = accelerator, OutDir = Path.GetFullPath(options.OutDir),
            MemoryPerRun = MemoryBudget.PerRun(options.MemoryBudget, options.Slots),
            MemorySource = (options.MemoryBudget is null ? "80% of this machine's memory" : $"--memory-budget / {MemoryBudget.Variable}")
                + (options.Slots > 1 ? $" over {options.Slots} slots" : ""),
        };
        // The health endpoint (ASP.NET Core health checks on a Kestrel application of its own), registered before
        // Orleans so it answers (503, not ready) while the silo is still joining, and, stopping after it, keeps
        // answering (503, draining) while the silo checkpoints its runs and leaves.
        if (!options.IsEmbedded && options.HealthPort > 0)
            builder.Services.AddHostedService(services => HealthEndpoint.ForSilo(services, options));
        if (!options.IsEmbedded) builder.Services.AddHostedService<ShutdownDeadline>();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = "grokking";
            });
            silo.AddGrokkingGrains(engine);
            if (options.Name is { Length: > 0 } name) silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = name);
            if (options.IsEmbedded) silo.AddEmbeddedServices(options, engine.OutDir);
            else silo.AddClusterServices(options);
        });
        // SIGTERM: the engine drains (runs checkpoint) before the silo leaves the cluster; give both time to finish.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = EngineLifecycle.CheckpointGrace + TimeSpan.FromSeconds(30));
        return builder;
    }

    /// <summary>
    /// What every Grokking silo has, whatever its clustering and storage: the training engine, the grains'
    /// services, the placement director, and the silo metadata (accelerator, slots) that placement reads.
    /// </summary>
    public static ISiloBuilder AddGrokkingGrains(this ISiloBuilder silo, EngineOptions engine)
    {
        silo.Services.AddSingleton(engine);
        silo.Services.AddSingleton<TrainingEngine>();
        silo.Services.AddSingleton<MetricSegmentWriter>();
        silo.Services.AddSingleton<RunsTableWriter>();
        // Runs whose output is all files fence with files; a Redis cluster replaces this with its own fence.
        silo.Services.TryAddSingleton<IRunFence>(new FileRunFence(engine.OutDir));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, EngineLifecycle>();
        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [RunPlacementStrategy.AcceleratorMetadata] = engine.Accelerator,
            [RunPlacementStrategy.SlotsMetadata] = engine.Slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        silo.AddPlacementDirector<RunPlacementStrategy, RunPlacementDirector>();
        return silo;
    }

    /// <summary>Embedded: localhost clustering, checkpoints and grain state as files under the output folder.</summary>
    private static void AddEmbeddedServices(this ISiloBuilder silo, SiloOptions options, string outDir)
    {
        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
        silo.AddFileGrainStorage(GrainStorageNames.Provider, OutputLayout.GrainStateFolder(outDir));
        silo.UseInMemoryReminderService();
        silo.Services.AddSingleton<ICheckpointStore>(new FileCheckpointStore(outDir));
    }

    /// <summary>Cluster: Redis membership, grain state, reminders and checkpoint blobs.</summary>
    private static void AddClusterServices(this ISiloBuilder silo, SiloOptions options)
    {
        var redis = ConfigurationOptions.Parse(options.Redis!);
        if (options.Tls is { } tls) silo.UseTls(tls.Certificate, tls.Configure);
        silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
        silo.AddRedisGrainStorage(GrainStorageNames.Provider, o => o.ConfigurationOptions = redis.Clone());
        silo.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
        // Once up, keep reconnecting through Redis outages rather than failing (runs pause until it is back).
        silo.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var config = redis.Clone();
            config.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(config);
        });
        silo.Services.AddSingleton<ICheckpointStore>(sp => new RedisCheckpointStore(sp.GetRequiredService<IConnectionMultiplexer>()));
        // Checkpoints in Redis check the fence key; segments on the shared folder check the fence files: a claim raises both.
        silo.Services.AddSingleton<IRunFence>(sp => new RedisRunFence(sp.GetRequiredService<IConnectionMultiplexer>(),
            new FileRunFence(sp.GetRequiredService<EngineOptions>().OutDir)));
        silo.ConfigureEndpoints(AdvertisedAddress(options), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
        // Notice a dead silo within seconds, so its runs restart elsewhere quickly.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        });
    }

    private static IPAddress AdvertisedAddress(SiloOptions options)
    {
        if (options.AdvertisedAddress is { } text) return IPAddress.Parse(text);
        return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }
}
