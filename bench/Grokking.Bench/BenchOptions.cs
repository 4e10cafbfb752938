namespace Grokking.Bench;

/// <summary>Command-line options: <c>--quick</c> for a short smoke run, <c>--threads N</c> for torch's intra-op threads.</summary>
public sealed record BenchOptions(bool Quick, int Threads)
{
    public const string Usage = "usage: dotnet run --project bench/Grokking.Bench -c Release [-- [--quick] [--threads N]]";

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message a user can act on.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        bool quick = false;
        int threads = 0;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--threads":
                    if (i + 1 >= args.Count || !int.TryParse(args[i + 1], out threads) || threads < 1)
                        throw new ArgumentException($"--threads needs a positive whole number, e.g. --threads 2; got '{(i + 1 < args.Count ? args[i + 1] : "")}'.");
                    i++;
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'. Accepted: --quick, --threads N.");
            }
        }
        return new BenchOptions(quick, threads);
    }
}
