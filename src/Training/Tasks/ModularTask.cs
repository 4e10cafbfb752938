using static TorchSharp.torch;
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

    /// <summary>Operator slots in openai/grok's vocabulary: its 20 VALID_OPERATORS (grok/data.py:126-131).</summary>
    public const int PowerOperatorSlots = 20;

    /// <summary>
    /// Builds the tokenised, split data set in one of three layouts:
    /// <list type="bullet">
    /// <item>compact: inputs (x op y =) over numbers + 2 tokens, the answer predicted among the numbers;</item>
    /// <item>nanda: inputs (x y =), '=' is token p, vocabulary and outputs p + 1 (Nanda et al.'s transformers.py:
    /// d_vocab = p + 1 for the embedding and the unembedding, lines 48, 165, 174, 437-444);</item>
    /// <item>power: openai/grok's sequences "&lt;|eos|&gt; x op y = z &lt;|eos|&gt;" (grok/data.py:250, 357), fed
    /// without the last token, scored at the two positions after '=' (z, then &lt;|eos|&gt;; grok/training.py:301-314),
    /// over its whole vocabulary: &lt;|eos|&gt;, '=', 20 operators, the numbers 0..p-1, the 120 permutations of S5
    /// (grok/data.py:126-131; 239 tokens for p = 97).</item>
    /// </list>
    /// </summary>
    public static TaskData Build(TaskConfig task, long seed)
    {
        var equations = Equations(task.Operation, task.Modulus);
        bool group = ModularOperations.IsPermutationGroup(task.Operation);
        int numbers = group ? 120 : task.Modulus;
        int? parallelograms = task.Operation is "x+y" or "x-y" ? task.Modulus : null;
        if (task.Layout == "power")
        {
            const int end = 0, equals = 1, firstOperator = 2;
            int firstNumber = firstOperator + PowerOperatorSlots, firstPermutation = firstNumber + task.Modulus;
            int first = group ? firstPermutation : firstNumber;
            int op = firstOperator + Array.IndexOf(ModularOperations.Names.ToArray(), task.Operation);
            return Tokenise(equations, task.TrainFraction, seed, firstPermutation + 120, firstPermutation + 120,
                (x, y, z) => [end, first + x, op, first + y, equals, first + z], z => [first + z, end],
                new NumberTokens(first, numbers, parallelograms));
        }
        var tokens = new NumberTokens(0, numbers, parallelograms);
        return task.Layout == "nanda"
            ? Tokenise(equations, task.TrainFraction, seed, numbers + 1, numbers + 1, (x, y, _) => [x, y, numbers], z => [z], tokens)
            : Tokenise(equations, task.TrainFraction, seed, numbers + 2, numbers, (x, y, _) => [x, numbers, y, numbers + 1], z => [z], tokens);
    }

    /// <param name="row">An equation's input tokens.</param>
    /// <param name="answers">The tokens scored for it: one label (labels [N]) or several (labels [N, K]).</param>
    private static TaskData Tokenise(IReadOnlyList<(int X, int Y, int Z)> equations, double trainFraction, long seed,
        int vocabulary, int classes, Func<int, int, int, long[]> row, Func<int, long[]> answers, NumberTokens numberTokens)
    {
        int width = row(0, 0, 0).Length, scored = answers(0).Length;
        var inputs = new long[equations.Count, width];
        var labels = new long[equations.Count, scored];
        for (int i = 0; i < equations.Count; i++)
        {
            var (x, y, z) = equations[i];
            var tokens = row(x, y, z);
            for (int c = 0; c < width; c++) inputs[i, c] = tokens[c];
            var answer = answers(z);
            for (int c = 0; c < scored; c++) labels[i, c] = answer[c];
        }
        var (train, val) = TaskData.Split(equations.Count, TaskData.TrainCountFor(equations.Count, trainFraction), seed);
        var first = Enumerable.Range(0, equations.Count).Select(i => labels[i, 0]).ToArray();
        Tensor Labels(long[] rows) => scored == 1 ? TaskData.Pick(first, rows) : TaskData.Rows(labels, rows);
        return new TaskData(TaskData.Rows(inputs, train), Labels(train), TaskData.Rows(inputs, val), Labels(val),
            classes, vocabulary, numberTokens);
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
