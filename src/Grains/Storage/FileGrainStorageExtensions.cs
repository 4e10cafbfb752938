using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;

namespace Grokking.Grains.Storage;

/// <summary>Registers <see cref="FileGrainStorage"/> as a named Orleans grain storage provider (the embedded mode's grain state).</summary>
public static class FileGrainStorageExtensions
{
    /// <summary>Adds a grain storage named <paramref name="name"/> that keeps state files under <paramref name="root"/>.</summary>
    /// <remarks>Grains select it with <c>[PersistentState("state", name)]</c>; "Default" makes it the default provider.</remarks>
    public static ISiloBuilder AddFileGrainStorage(this ISiloBuilder builder, string name, string root)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFileGrainStorage(name, root);
        return builder;
    }

    /// <inheritdoc cref="AddFileGrainStorage(ISiloBuilder, string, string)"/>
    public static IServiceCollection AddFileGrainStorage(this IServiceCollection services, string name, string root)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        // Resolved now so a bad root fails at startup, not at the first grain activation.
        var storage = new FileGrainStorage(root);
        // Orleans 10 looks grain storage up as a keyed IGrainStorage singleton; AddGrainStorage also wires "Default".
        return services.AddGrainStorage(name, (_, _) => storage);
    }
}
