using System.Net;
using System.Net.Sockets;
using Grokking.Grains.Storage;
using Grokking.Grains.Tests.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;

namespace Grokking.Grains.Tests.Storage;

public sealed class FileGrainStorageSiloTests : IDisposable
{
    private readonly TempOutputFolder _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void The_storage_is_registered_under_its_name_as_a_keyed_grain_storage()
    {
        var services = new ServiceCollection();

        services.AddFileGrainStorage("files", _root.Path);

        using var provider = services.BuildServiceProvider();
        var storage = Assert.IsType<FileGrainStorage>(provider.GetRequiredKeyedService<IGrainStorage>("files"));
        Assert.Equal(Path.GetFullPath(_root.Path), storage.Root);
        Assert.Null(provider.GetKeyedService<IGrainStorage>("other"));
    }

    [Fact]
    public async Task A_grain_in_a_silo_persists_through_it_and_finds_its_state_after_a_restart()
    {
        var key = "sweep=a/run:1";
        using (var host = await StartSiloAsync())
        {
            await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IPlanGrain>(key).Rename("persisted");
            await host.StopAsync();
        }

        // Readable without a silo, as a status command would.
        var stored = await new FileGrainStorage(_root.Path).ReadAsync<PlanState>("plan", GrainId.Create(PlanGrain.TypeName, key));
        Assert.Equal("persisted", stored?.Name);

        using (var host = await StartSiloAsync())
        {
            var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IPlanGrain>(key);
            Assert.Equal("persisted", await grain.Name());
            await grain.Forget();
            await host.StopAsync();
        }
        Assert.Null(await new FileGrainStorage(_root.Path).ReadAsync<PlanState>("plan", GrainId.Create(PlanGrain.TypeName, key)));
    }

    private async Task<IHost> StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreeLoopbackPort(), FreeLoopbackPort())
            .AddFileGrainStorage(PlanGrain.StorageName, _root.Path));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }
}
