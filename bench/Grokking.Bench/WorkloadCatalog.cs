using Grokking.Grains.Specs;
using Grokking.Training.Tasks;

namespace Grokking.Bench;

/// <summary>The two workloads of the issue, written as the specs users run, each at the two cadences (b) and (c).</summary>
public static class WorkloadCatalog
{
    public const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// A transformer of Power et al.'s size (2 blocks, width 128, 4 heads, batch 512) on x op y = mod 97 in the compact
    /// layout, predicting from the last position (the operation does not change the cost). The preset itself
    /// (openai/grok's 6-token sequences scored at two positions) is not what this benchmark's FLOP count describes.
    /// </summary>
    public static Workload PowerTransformer(int steps)
    {
        const int length = 4, width = 128, ffn = 512, layers = 2, classes = 97, batch = 512, heads = 4;
        string Spec(Cadence cadence) => $$"""
            name: bench-transformer
            seed: 0
            task: { kind: modular, operation: "x+y", modulus: 97, train_fraction: 0.5, layout: compact, loss: ce }
            model: { kind: transformer, depth: {{layers}}, width: {{width}}, heads: {{heads}}, ffn_width: {{ffn}}, norm: pre }
            optimizer: { name: adamw, lr: 1e-3, weight_decay: 1.0, warmup_steps: 10 }
            training: { steps: {{steps}}, batch_size: {{batch}}, {{cadence.SpecFields}} }
            """;
        const int tokens = batch * length, headWidth = width / heads;
        GemmShape[] everyPosition =
        [
            .. GemmShape.LinearTraining(tokens, width, 3 * width),                  // qkv
            .. GemmShape.LinearTraining(length, headWidth, length, batch * heads),  // attention scores
            .. GemmShape.LinearTraining(length, length, headWidth, batch * heads),  // scores x values
            .. GemmShape.LinearTraining(tokens, width, width),                      // output projection
            .. GemmShape.LinearTraining(tokens, width, ffn),                        // feed-forward in
            .. GemmShape.LinearTraining(tokens, ffn, width),                        // feed-forward out
        ];
        // The last layer computes only what the prediction at the last position needs (TransformerModel).
        GemmShape[] lastLayer =
        [
            .. GemmShape.LinearTraining(tokens, width, 2 * width),                  // keys and values
            .. GemmShape.LinearTraining(batch, width, width),                       // query of the last position
            .. GemmShape.LinearTraining(1, headWidth, length, batch * heads),       // its attention scores
            .. GemmShape.LinearTraining(1, length, headWidth, batch * heads),       // scores x values
            .. GemmShape.LinearTraining(batch, width, width),                       // output projection
            .. GemmShape.LinearTraining(batch, width, ffn),                         // feed-forward in
            .. GemmShape.LinearTraining(batch, ffn, width),                         // feed-forward out
        ];
        GemmShape[] gemms =
        [
            .. Enumerable.Repeat(everyPosition, layers - 1).SelectMany(l => l), .. lastLayer,
            .. GemmShape.LinearTraining(batch, width, classes),
        ];
        return Build("transformer", steps, Spec, TrainingFlops.TransformerForward(length, width, ffn, layers, classes), gemms,
            $"(layers − 1) × (2·L·W·3W + 2·L·L·W + 2·L·L·W + 2·L·W·W + 2·L·W·F·2) + last layer at the last position "
            + $"(2·L·W·2W + 2·W·W + 2·L·W + 2·L·W + 2·W·W + 2·W·F·2) + 2·W·classes, {layers} layers "
            + $"(L={length}, W={width}, F={ffn}, classes={classes})");
    }

    /// <summary>Omnigrok's image MLP: 4 Linear layers of width 400 on Fashion-MNIST, MSE on one-hot targets.</summary>
    public static Workload ImageMlp(int steps)
    {
        const int inputs = 784, width = 400, classes = 10, depth = 4, batch = 200;
        string Spec(Cadence cadence) => $$"""
            name: bench-image-mlp
            seed: 0
            task: { kind: image, data_dir: {{FashionMnistFolder}}, train_size: 1000, loss: mse }
            model: { kind: mlp, depth: {{depth}}, width: {{width}}, init_scale: 8.0 }
            optimizer: { name: adamw, lr: 1e-3, weight_decay: 0.01, warmup_steps: 10 }
            training: { steps: {{steps}}, batch_size: {{batch}}, {{cadence.SpecFields}} }
            """;
        (int In, int Out)[] shapes = [(inputs, width), (width, width), (width, width), (width, classes)];
        var gemms = shapes.SelectMany(s => GemmShape.LinearTraining(batch, s.In, s.Out)).ToList();
        return Build("image MLP", steps, Spec, TrainingFlops.MlpForward(shapes), gemms,
            "2 · Σ in·out over Linear layers " + string.Join(" + ", shapes.Select(s => $"{s.In}·{s.Out}")));
    }

    private static Workload Build(string name, int steps, Func<Cadence, string> spec, double forwardPerExample,
        IReadOnlyList<GemmShape> gemms, string formula)
    {
        var machinery = Variant(name, "b", "machinery", Cadence.Machinery(steps), spec);
        var realistic = Variant(name, "c", "realistic cadence", Cadence.Realistic(steps), spec);
        // Builds the task once to learn the evaluation size; for images this also fills the IDX file cache.
        using var data = TaskDataFactory.Build(machinery.Run.Config.Task, machinery.Run.Config.Seed);
        var workload = new Workload(name, machinery, realistic, forwardPerExample, formula, data.TrainCount + data.ValCount, gemms);
        // The shapes must add up to the analytic count, or the ceiling would describe another model.
        if (Math.Abs(gemms.Sum(g => g.Flops) - workload.FlopsPerStep) > 1e-6 * workload.FlopsPerStep)
            throw new InvalidOperationException($"{name}: the GEMM shapes count {gemms.Sum(g => g.Flops):N0} FLOPs a step, the formula {workload.FlopsPerStep:N0}");
        return workload;
    }

    private static ExecutorVariant Variant(string name, string key, string label, Cadence cadence, Func<Cadence, string> spec)
    {
        var text = spec(cadence);
        return new ExecutorVariant(key, label, cadence, text, SpecParser.Parse(text, $"{name} ({label}, bench)").Expand().Single());
    }
}
