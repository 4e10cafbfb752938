using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Grokking.Training;

/// <summary>Process-wide TorchSharp set-up: thread count and device are chosen once per process.</summary>
public static partial class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static bool _initialised;
    // No initialiser here may touch torch: initialisers run before the static constructor, and the first use of
    // torch loads libgomp, which reads its wait policy then.
    private static bool _onGpu;

    /// <summary>
    /// How long libtorch's OpenMP threads (GNU libgomp) spin at the end of a parallel region before they sleep, in
    /// spin iterations (libgomp counts about 100 per microsecond): about 10 microseconds.
    /// </summary>
    /// <remarks>
    /// libgomp's default spins for about 3 ms. Where another process wants the same cores (two sweeps, a sweep and a
    /// <c>grokking train</c>, a silo beside other pods) the spinning threads take the CPU from it: a 300-step run of
    /// examples/quick.yaml took 41-53 s instead of 3-4 s next to a 2-slot sweep on 2 cores. Not spinning at all
    /// (OMP_WAIT_POLICY=PASSIVE) puts every thread to sleep between the hundreds of small kernels of a training step
    /// and wakes it again for the next. On the 2-core benchmark machine of 2026-11-30, passive waiting cost the image
    /// MLP alone about 10% to 40% of its speed (alternated runs, 55-122 against 92-131 steps/s), and two image MLPs
    /// side by side ran 55-85 steps/s each passive against 75-92 at this setting; only a 2-thread run squeezed next to
    /// a busy 2-slot sweep was slower at this setting (4.3-5.9 s against 3.2-4.4 s for 300 quick steps). 10,000 spins
    /// was faster alone and twice as slow side by side. README, Benchmarks, has the figures.
    /// </remarks>
    public const int OpenMpSpinCount = 1000;

    /// <summary>
    /// Keeps freed native memory mapped (<see cref="KeepFreedNativeMemory"/>) and sets <see cref="OpenMpSpinCount"/>
    /// (GOMP_SPINCOUNT) in the native environment. libgomp reads it once, when it loads, so this runs before anything
    /// here touches torch; a wait policy or spin count the user set wins.
    /// </summary>
    static TorchRuntime()
    {
        if (!OperatingSystem.IsLinux()) return;
        KeepFreedNativeMemory();
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        if (Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null) return;
        var count = OpenMpSpinCount.ToString(CultureInfo.InvariantCulture);
        Environment.SetEnvironmentVariable("GOMP_SPINCOUNT", count); // the managed view, for anyone who reads it
        TrySetNative("GOMP_SPINCOUNT", count, overwrite: false);
    }

    /// <summary>
    /// Every training step allocates and frees the same activation and gradient tensors. By default glibc gives large
    /// freed blocks back to the kernel (munmap, or trimming its heaps), so the next step faults the same pages in again,
    /// zero-filled. Serving blocks up to 32 MiB (glibc's largest heap allocation) from the heap and never trimming it
    /// keeps the memory mapped: for the image MLP's bare loop on a thread of its own, as the engine trains, about 20%
    /// more steps/s (README, Benchmarks). A process keeps the native memory of its peak in exchange. Settings the
    /// user made through glibc's own variables win.
    /// </summary>
    private static void KeepFreedNativeMemory()
    {
        if (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null) return;
        const int TrimThreshold = -1, MmapThreshold = -3; // mallopt parameters, malloc.h
        try
        {
            _ = SetMallocOption(TrimThreshold, int.MaxValue);
            _ = SetMallocOption(MmapThreshold, MaxHeapBlock);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    /// <summary>The largest block glibc serves from a heap (HEAP_MAX_SIZE / 2 on 64-bit).</summary>
    public const int MaxHeapBlock = 32 << 20;

    // A C library without setenv (none that TorchSharp runs on) costs speed, never the process: torch then keeps
    // OpenMP's own defaults.
    private static void TrySetNative(string name, string value, bool overwrite)
    {
        try
        {
            _ = SetNativeEnvironment(name, value, overwrite ? 1 : 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    /// <summary>An environment variable as native libraries see it (null where unset or not on Linux).</summary>
    public static string? NativeEnvironment(string name)
    {
        if (!OperatingSystem.IsLinux()) return null;
        IntPtr value;
        try
        {
            value = GetNativeEnvironment(name);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        return value == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(value);
    }

    // .NET keeps its own copy of the environment on Unix; native libraries read libc's (glibc, as libtorch needs).
    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetNativeEnvironment(string name, string value, int overwrite);

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int SetMallocOption(int parameter, int value);

    [LibraryImport("libc.so.6", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetNativeEnvironment(string name);

    /// <summary>The device runs train on when none is given: CUDA when this process was set up for a GPU, else CPU.</summary>
    public static torch.Device DefaultDevice => _onGpu ? torch.CUDA : torch.CPU;

    /// <summary>Loads the native backend and sets torch's intra-op threads (0 keeps torch's default). Later calls change nothing.</summary>
    public static void Initialise(int threads = 0, bool useGpu = false)
    {
        lock (Gate)
        {
            if (_initialised) return;
            // The thread count goes to OpenMP through the environment, read when torch loads: torch.set_num_threads
            // cuts this build's intra-op throughput to about one thread's even when asked for the count it already
            // has (Power's transformer on 2 cores: 17 steps/s before the call, 10 after set_num_threads(2), 11 at 1).
            // The call remains for a process in which torch was loaded before this method ran.
            if (threads > 0 && OperatingSystem.IsLinux())
                TrySetNative("OMP_NUM_THREADS", threads.ToString(CultureInfo.InvariantCulture), overwrite: true);
            torch.InitializeDeviceType(useGpu ? DeviceType.CUDA : DeviceType.CPU);
            if (threads > 0 && torch.get_num_threads() != threads) torch.set_num_threads(threads);
            _onGpu = useGpu;
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
