namespace Grokking.Integration.Tests;

/// <summary>An 8-run grid of small real trainings, long enough to be killed mid-run, checkpointing often.</summary>
public static class FailoverSpec
{
    public const int Runs = 8;
    public const long Steps = 2500;

    public static string Write(string folder, string name)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(path, $$"""
            name: {{name}}
            task: { kind: modular, operation: "x+y", modulus: 23, train_fraction: 0.5 }
            model: { kind: mlp, depth: 2, width: 64 }
            optimizer: { lr: 3e-3, weight_decay: 1.0 }
            training: { steps: {{Steps}}, batch_size: 64, eval_every: 50, rank_every: 500, checkpoint_every: 100 }
            grid:
              seed: [0, 1, 2, 3]
              weight_decay: [0.5, 1.0]
            """);
        return path;
    }
}
