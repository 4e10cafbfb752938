using Grokking.Grains.Checkpoints;
using Grokking.Grains.Contracts;
using Grokking.Grains.Engine;
using Grokking.Grains.Storage;
using Grokking.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Grokking.Silo.Tests.Cluster;

/// <summary>
/// Three in-process silos wired as production wires them (<see cref="SiloHostingExtensions.AddGrokkingGrains"/>), sharing
/// one output folder: silo 0 is cpu with 2 slots, silo 1 cpu with 1 slot, silo 2 gpu with 1 slot (a label only; noop
/// runs never touch CUDA).
/// </summary>
public sealed class GrokkingCluster : IAsyncLifetime
{
    /// <summary>What each silo offers, by instance number.</summary>
    public static readonly IReadOnlyList<(string Accelerator, int Slots)> Layout = [("cpu", 2), ("cpu", 1), ("gpu", 1)];

    private InProcessTestCluster? _cluster;

    /// <summary>The Parquet dataset, checkpoints and grain state of every sweep the tests run.</summary>
    public string OutDir { get; } = Path.Combine(Path.GetTempPath(), "grokking-cluster-" + Guid.NewGuid().ToString("N"));

    /// <summary>The checkpoint store every silo uses: files under <see cref="OutDir"/>, with failures on request.</summary>
    public FaultInjectingCheckpointStore Checkpoints { get; }

    public GrokkingCluster() => Checkpoints = new FaultInjectingCheckpointStore(new FileCheckpointStore(OutDir));

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public IClusterClient Client => Cluster.Client;

    public int TotalSlots => Layout.Sum(s => s.Slots);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(OutDir);
        var builder = new InProcessTestClusterBuilder((short)Layout.Count);
        builder.ConfigureSilo((options, silo) =>
        {
            var (accelerator, slots) = Layout[InstanceOf(options.SiloName)];
            silo.AddGrokkingGrains(new EngineOptions { Slots = slots, Accelerator = accelerator, OutDir = OutDir });
            silo.AddFileGrainStorage("grokking", OutputLayout.GrainStateFolder(OutDir));
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<ICheckpointStore>(Checkpoints);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        try
        {
            Directory.Delete(OutDir, recursive: true);
        }
        catch (IOException)
        {
            // A late segment write may still hold a file; the temp folder is left for the OS to clean.
        }
    }

    public ISweepGrain Sweep(string name) => Client.GetGrain<ISweepGrain>(name);

    /// <summary>The silo started as instance <paramref name="instance"/> (the test cluster names it Silo_n).</summary>
    public InProcessSiloHandle Silo(int instance) =>
        Cluster.Silos.Single(s => s.Name == $"Silo_{instance}");

    /// <summary>The parsable address a run record names its silo by.</summary>
    public string AddressOf(int instance) => Silo(instance).SiloAddress.ToParsableString();

    public IReadOnlyList<int> InstancesWith(string accelerator) =>
        Enumerable.Range(0, Layout.Count).Where(i => Layout[i].Accelerator == accelerator).ToList();

    /// <summary>Each silo's training engine, by instance number.</summary>
    public IReadOnlyList<TrainingEngine> Engines() =>
        Enumerable.Range(0, Layout.Count).Select(i => Silo(i).ServiceProvider.GetRequiredService<TrainingEngine>()).ToList();

    /// <summary>Waits until the sweep has every run Done, Failed or Cancelled, and returns its final status.</summary>
    public Task<SweepStatus> WaitFinishedAsync(string name, TimeSpan timeout) =>
        Eventually.Until(() => Sweep(name).GetStatus(), s => s.IsFinished, timeout, $"sweep '{name}' to finish");

    private static int InstanceOf(string siloName) =>
        siloName.StartsWith("Silo_", StringComparison.Ordinal) && int.TryParse(siloName.AsSpan(5), out var n) && n < Layout.Count
            ? n
            : throw new InvalidOperationException($"Unexpected test silo name '{siloName}'; expected Silo_0 .. Silo_{Layout.Count - 1}.");
}
