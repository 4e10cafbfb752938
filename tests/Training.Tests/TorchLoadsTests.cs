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
    public void OpenMp_threads_wait_passively_unless_the_user_chose_otherwise()
    {
        // libgomp's spinning threads starve other processes on shared cores (TorchRuntime). The policy must be
        // in libc's environment, which .NET's Environment.SetEnvironmentVariable does not change on Linux.
        TorchRuntime.Initialise();
        var chosen = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
        Assert.Equal(chosen ?? "PASSIVE", TorchRuntime.NativeWaitPolicy);
    }
}
