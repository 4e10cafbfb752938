using TorchSharp;

namespace Grokking.Training;

/// <summary>Process-wide TorchSharp set-up: thread count and device are chosen once per process.</summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static bool _initialised;

    /// <summary>The device runs train on when none is given: CUDA when this process was set up for a GPU, else CPU.</summary>
    public static torch.Device DefaultDevice { get; private set; } = torch.CPU;

    /// <summary>Loads the native backend and sets torch's intra-op threads (0 keeps torch's default). Later calls change nothing.</summary>
    public static void Initialise(int threads = 0, bool useGpu = false)
    {
        lock (Gate)
        {
            if (_initialised) return;
            torch.InitializeDeviceType(useGpu ? DeviceType.CUDA : DeviceType.CPU);
            if (threads > 0) torch.set_num_threads(threads);
            if (useGpu) DefaultDevice = torch.CUDA;
            _initialised = true;
        }
    }

    /// <summary>gpu when a CUDA device is usable from this process, else cpu.</summary>
    public static string DetectAccelerator()
    {
        try
        {
            return torch.cuda.is_available() ? "gpu" : "cpu";
        }
        catch (Exception e) when (e is DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            return "cpu";
        }
    }
}
