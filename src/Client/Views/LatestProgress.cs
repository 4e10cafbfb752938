using Grokking.Grains.Runs;

namespace Grokking.Client.Views;

/// <summary>Keeps only the most recent report; the view samples it at its own pace.</summary>
internal sealed class LatestProgress : IProgress<RunProgress>
{
    private RunProgress? _latest;

    public RunProgress? Latest => Volatile.Read(ref _latest);

    public void Report(RunProgress value) => Volatile.Write(ref _latest, value);
}
