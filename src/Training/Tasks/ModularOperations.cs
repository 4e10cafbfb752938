namespace Grokking.Training.Tasks;

/// <summary>Power et al.'s binary operations: nine modulo a prime p and three in the symmetric group S5.</summary>
public static class ModularOperations
{
    /// <summary>The operation names a spec may use.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "x+y", "x-y", "x/y", "x/y if y odd else x-y", "x^2+y^2", "x^2+xy+y^2", "x^2+xy+y^2+x", "x^3+xy",
        "x^3+xy^2+y", "s5:x*y", "s5:x*y*x^-1", "s5:x*y*x",
    ];

    /// <summary>True for the operations over S5 (the modulus does not apply to them).</summary>
    public static bool IsPermutationGroup(string operation) => operation.StartsWith("s5:", StringComparison.Ordinal);

    /// <summary>True for the operations that divide, so p must be prime for every y != 0 to have an inverse.</summary>
    public static bool NeedsPrimeModulus(string operation) => operation is "x/y" or "x/y if y odd else x-y";

    /// <summary>True when p is prime.</summary>
    public static bool IsPrime(int p)
    {
        if (p < 2) return false;
        for (int d = 2; (long)d * d <= p; d++)
            if (p % d == 0) return false;
        return true;
    }
}
