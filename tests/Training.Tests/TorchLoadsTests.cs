using static TorchSharp.torch;

namespace Grokking.Training.Tests;

public class TorchLoadsTests
{
    [Fact]
    public void Native_backend_loads_and_multiplies_matrices()
    {
        TorchRuntime.Initialise();
        using var a = tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var b = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, b.data<float>().ToArray());
    }

    [Fact]
    public void OpenMp_threads_spin_briefly_unless_the_user_chose_otherwise()
    {
        // libgomp's default 3 ms spin starves other processes on shared cores, no spin at all halves a small
        // model's speed (TorchRuntime.OpenMpSpinCount). The count must be in libc's environment, which .NET's
        // Environment.SetEnvironmentVariable does not change on Linux.
        TorchRuntime.Initialise();
        var userPolicy = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
        var userCount = Environment.GetEnvironmentVariable("GOMP_SPINCOUNT");
        if (userPolicy is null && userCount is null)
            Assert.Equal("1000", TorchRuntime.NativeEnvironment("GOMP_SPINCOUNT"));
        else
            Assert.Equal(userPolicy, TorchRuntime.NativeEnvironment("OMP_WAIT_POLICY"));
    }
}
