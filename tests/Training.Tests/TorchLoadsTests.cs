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
}
