using Grokking.Training.Config;

namespace Grokking.Training.Tasks;

/// <summary>Every equation x ∘ y = z of one of Power et al.'s operations, tokenised and split.</summary>
public static class ModularTask
{
    /// <summary>All equations as (x, y, z) in a fixed order (x major, y minor), skipping undefined ones (x/y with y = 0).</summary>
    public static IReadOnlyList<(int X, int Y, int Z)> Equations(string operation, int modulus)
    {
        if (ModularOperations.IsPermutationGroup(operation)) return PermutationEquations(operation);
        if (!ModularOperations.Names.Contains(operation))
            throw new ArgumentException($"Unknown operation '{operation}'. Accepted: {string.Join(", ", ModularOperations.Names)}.");
        if (ModularOperations.NeedsPrimeModulus(operation) && !ModularOperations.IsPrime(modulus))
            throw new ArgumentException($"Operation '{operation}' divides, so the modulus must be prime (got {modulus}).");
        long p = modulus;
        var result = new List<(int, int, int)>(modulus * modulus);
        for (long x = 0; x < p; x++)
        for (long y = 0; y < p; y++)
        {
            long? z = operation switch
            {
                "x+y" => x + y,
                "x-y" => x - y,
                "x/y" => y == 0 ? null : x * Inverse(y, p),
                "x/y if y odd else x-y" => y % 2 == 1 ? x * Inverse(y, p) : x - y,
                "x^2+y^2" => x * x + y * y,
                "x^2+xy+y^2" => x * x + x * y + y * y,
                "x^2+xy+y^2+x" => x * x + x * y + y * y + x,
                "x^3+xy" => x * x % p * x + x * y,
                "x^3+xy^2+y" => x * x % p * x + x * (y * y % p) + y,
                _ => throw new ArgumentException($"Unknown operation '{operation}'."),
            };
            if (z is { } value) result.Add(((int)x, (int)y, (int)(((value % p) + p) % p)));
        }
        return result;
    }

    /// <summary>Builds the tokenised, split data set: layout power is (x op y =), nanda is (x y =).</summary>
    public static TaskData Build(TaskConfig task, long seed)
    {
        var equations = Equations(task.Operation, task.Modulus);
        int numbers = ModularOperations.IsPermutationGroup(task.Operation) ? 120 : task.Modulus;
        int opToken = numbers, equalsToken = numbers + 1;
        bool power = task.Layout == "power";
        int width = power ? 4 : 3;
        var inputs = new long[equations.Count, width];
        var labels = new long[equations.Count];
        for (int i = 0; i < equations.Count; i++)
        {
            var (x, y, z) = equations[i];
            if (power)
            {
                inputs[i, 0] = x; inputs[i, 1] = opToken; inputs[i, 2] = y; inputs[i, 3] = equalsToken;
            }
            else
            {
                inputs[i, 0] = x; inputs[i, 1] = y; inputs[i, 2] = equalsToken;
            }
            labels[i] = z;
        }
        var (train, val) = TaskData.Split(equations.Count, TaskData.TrainCountFor(equations.Count, task.TrainFraction), seed);
        return new TaskData(TaskData.Rows(inputs, train), TaskData.Pick(labels, train), TaskData.Rows(inputs, val),
            TaskData.Pick(labels, val), classes: numbers, vocabulary: numbers + 2, numberTokens: numbers,
            hasArithmeticTokens: !ModularOperations.IsPermutationGroup(task.Operation));
    }

    /// <summary>The 120 permutations of 0..4 in lexicographic order.</summary>
    public static IReadOnlyList<int[]> Permutations()
    {
        var all = new List<int[]>();
        void Extend(int[] prefix, List<int> rest)
        {
            if (rest.Count == 0) { all.Add(prefix); return; }
            foreach (var next in rest.ToArray())
                Extend([.. prefix, next], rest.Where(r => r != next).ToList());
        }
        Extend([], [0, 1, 2, 3, 4]);
        return all;
    }

    private static IReadOnlyList<(int, int, int)> PermutationEquations(string operation)
    {
        var perms = Permutations();
        var index = new Dictionary<string, int>();
        for (int i = 0; i < perms.Count; i++) index[Key(perms[i])] = i;
        var result = new List<(int, int, int)>(perms.Count * perms.Count);
        for (int x = 0; x < perms.Count; x++)
        for (int y = 0; y < perms.Count; y++)
        {
            var px = perms[x];
            var py = perms[y];
            int[] z = operation switch
            {
                "s5:x*y" => Compose(px, py),
                "s5:x*y*x^-1" => Compose(Compose(px, py), Invert(px)),
                "s5:x*y*x" => Compose(Compose(px, py), px),
                _ => throw new ArgumentException($"Unknown operation '{operation}'."),
            };
            result.Add((x, y, index[Key(z)]));
        }
        return result;
    }

    /// <summary>(a * b)(i) = a(b(i)): apply b first.</summary>
    public static int[] Compose(int[] a, int[] b) => b.Select(i => a[i]).ToArray();

    public static int[] Invert(int[] a)
    {
        var inverse = new int[a.Length];
        for (int i = 0; i < a.Length; i++) inverse[a[i]] = i;
        return inverse;
    }

    private static string Key(int[] p) => string.Concat(p);

    private static long Inverse(long y, long p)
    {
        // Fermat: y^(p-2) mod p, valid for prime p and y != 0.
        long result = 1, b = y % p, e = p - 2;
        while (e > 0)
        {
            if ((e & 1) == 1) result = result * b % p;
            b = b * b % p;
            e >>= 1;
        }
        return result;
    }
}
