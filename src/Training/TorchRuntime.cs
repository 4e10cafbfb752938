namespace Grokking.Training;

/// <summary>Process-wide TorchSharp set-up: thread count is set once per process.</summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static bool _initialised;

    /// <summary>Loads the native backend and sets torch's intra-op threads (0 keeps torch's default).</summary>
    public static void Initialise(int threads = 0)
    {
        lock (Gate)
        {
            if (_initialised) return;
            TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
            if (threads > 0) TorchSharp.torch.set_num_threads(threads);
            _initialised = true;
        }
    }
}
