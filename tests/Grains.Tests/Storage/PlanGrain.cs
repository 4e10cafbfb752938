namespace Grokking.Grains.Tests.Storage;

/// <summary>Keeps its <see cref="PlanState"/> in the storage named <see cref="StorageName"/>.</summary>
[GrainType(TypeName)]
public sealed class PlanGrain([PersistentState("plan", PlanGrain.StorageName)] IPersistentState<PlanState> state) : Grain, IPlanGrain
{
    public const string StorageName = "files";
    public const string TypeName = "planner";

    public async Task Rename(string name)
    {
        state.State = state.State with { Name = name };
        await state.WriteStateAsync();
    }

    public Task<string> Name() => Task.FromResult(state.State.Name);

    public Task Forget() => state.ClearStateAsync();
}
