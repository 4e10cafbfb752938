using System.Runtime.InteropServices;

namespace Grokking.Training.Tests;

public unsafe partial class NativeMemoryTests
{
    [Fact]
    public void Large_native_blocks_come_from_the_heap_and_stay_mapped_when_freed()
    {
        if (!OperatingSystem.IsLinux()) return; // the setting is glibc's
        TorchRuntime.Initialise();
        // Just under the limit: by default glibc mmaps a block this large and unmaps it on free (it raises its
        // threshold only to the largest block freed so far), so every training step would fault the pages of its
        // activations in anew. Checked on a thread of its own, as the engine trains, with a malloc arena of its own.
        const long size = TorchRuntime.MaxHeapBlock - (64 << 10);
        string? failure = null;
        var thread = new Thread(() => failure = AllocateAndFree(size));
        thread.Start();
        thread.Join();
        Assert.True(failure is null, failure);
    }

    private static string? AllocateAndFree(long size)
    {
        var block = (byte*)Marshal.AllocHGlobal((nint)size); // malloc
        new Span<byte>(block, (int)size).Fill(1); // every page resident
        // The size word before a glibc chunk carries IS_MMAPPED (0x2) for a block with a mapping of its own.
        long header = *(long*)(block - sizeof(long));
        Marshal.FreeHGlobal((nint)block);
        if ((header & 2) != 0) return "malloc served the block from an mmap of its own, which free unmaps";

        // Whole pages inside the freed block, clear of the bookkeeping glibc writes at its start.
        const long page = 4096;
        long start = ((long)block + 2 * page) & ~(page - 1), length = (size - 4 * page) & ~(page - 1);
        var resident = new byte[length / page];
        fixed (byte* vector = resident)
        {
            if (MinCore((nint)start, (nuint)length, vector) != 0)
                return $"the freed block is no longer mapped (errno {Marshal.GetLastPInvokeError()}): glibc trimmed it";
        }
        int kept = resident.Count(r => (r & 1) != 0);
        return kept == resident.Length ? null : $"{resident.Length - kept} of {resident.Length} pages of the freed block went back to the kernel";
    }

    [LibraryImport("libc.so.6", EntryPoint = "mincore", SetLastError = true)]
    private static partial int MinCore(nint address, nuint length, byte* vector);
}
