using Grokking.Grains.Specs;

namespace Grokking.Grains.Tests.Specs;

public sealed class BadSpecTests
{
    // Lines 1-3 of most cases: a valid head the case then breaks on a later line.
    private const string Head = "name: bad\ntask: { kind: modular, operation: x+y, modulus: 23 }\nmodel: { kind: mlp, depth: 2, width: 64 }\n";

    public static TheoryData<string, string, string, int?, string> Corpus => new()
    {
        { "yaml indentation", "name: bad\ntask:\n  kind: modular\n modulus: 23\n", "", 4, "YAML syntax error at column" },
        { "yaml unclosed bracket at the end", "name: bad\ngrid:\n  lr: [1e-3, 3e-3\n", "", 4, "did not find expected ',' or ']'" },
        { "yaml unclosed bracket before a key", "name: bad\ngrid:\n  lr: [1e-3, 3e-3\n  seed: [0]\n", "", 3, "YAML syntax error: the parser could not continue after this line (look for an unclosed [" },
        { "yaml duplicate key", "name: bad\nseed: 1\nseed: 2\n", "", 3, "Duplicate key" },
        { "unknown key with suggestion", "name: bad\ntask: { kind: modular, opration: x+y }\n", "task.opration", 2,
            "unknown key; did you mean 'operation'? Accepted: kind, operation, modulus" },
        { "unknown top-level key", "name: bad\nmodle: { kind: mlp }\n", "modle", 2, "did you mean 'model'?" },
        { "wrong type", Head + "training: { steps: many }\n", "training.steps", 4, "expected an integer (got 'many')" },
        { "wrong choice", "name: bad\ntask: { loss: l2 }\n", "task.loss", 2, "expected one of: ce, mse (got 'l2')" },
        { "out of range", Head + "optimizer:\n  lr: -1e-3\n", "optimizer.lr", 5, "must be greater than 0 (got -0.001)" },
        { "unknown operation", "name: bad\ntask: { operation: x*y }\n", "task.operation", 2,
            "unknown operation 'x*y'; accepted: 'x+y', 'x-y', 'x/y'" },
        { "non-prime modulus for x/y", "name: bad\ntask:\n  operation: x/y\n  modulus: 24\n", "task.modulus", 4, "must be prime (got 24)" },
        { "image data dir missing", "name: bad\ntask: { kind: image, data_dir: /nonexistent/grokking-images }\nmodel: { kind: mlp }\n",
            "task.data_dir", 2, "/nonexistent/grokking-images does not exist" },
        { "empty grid axis", Head + "grid:\n  lr: []\n", "grid.lr", 5, "axis is empty" },
        { "duplicate axis", Head + "grid:\n  lr: [1e-3]\n  optimizer.lr: [3e-3]\n", "grid.optimizer.lr", 6,
            "same field (optimizer.lr) as 'lr' at line 5" },
        { "alias repeats an axis", Head + "grid:\n  lr: [1e-3]\n  decoder_lr: { log_range: [1e-4, 1e-2], points: 3 }\n",
            "grid.decoder_lr", 6, "same field (optimizer.lr)" },
        { "grid beyond the maximum", Head + "grid:\n  lr: { log_range: [1e-5, 1e-1], points: 1000 }\n  seed: { range: [0, 999], points: 1000 }\n",
            "grid", 4, "expands to 1000000 runs (lr 1000 x seed 1000); the maximum is 100000" },
        { "train_fraction 1.5", "name: bad\ntask: { train_fraction: 1.5 }\n", "task.train_fraction", 2,
            "must be greater than 0 and less than 1 (got 1.5)" },
        { "heads not dividing width", "name: bad\nmodel: { kind: transformer, width: 128, heads: 3 }\n", "model.heads", 2,
            "must divide model.width for a transformer (heads 3, width 128)" },
        { "dropout on a model without dropout", "name: bad\nmodel: { kind: mlp, dropout: 0.1 }\n", "model.dropout", 2,
            "the mlp model has no dropout" },
        { "dropout on the toy model", "name: bad\ntask: { kind: toy, modulus: 10 }\nmodel: { kind: toy, dropout: 0.2 }\n", "model.dropout", 3,
            "the toy model has no dropout" },
        { "power layout on an mlp", "name: bad\ntask: { layout: power }\nmodel: { kind: mlp }\n", "task.layout", 2,
            "layout power feeds the answer token too and relies on a causal mask, so it needs the transformer" },
        { "float64 loss with mse", "name: bad\ntask: { loss: mse }\nmodel: { kind: mlp }\ntraining: { loss_precision: float64 }\n",
            "training.loss_precision", 4, "float64 applies to the cross-entropy's log-softmax" },
        { "unknown preset", "name: bad\nmodel: { preset: gpt2 }\n", "model.preset", 2, "unknown preset 'gpt2'; accepted: 'none', 'power', 'nanda'" },
        { "unknown norm placement", "name: bad\nmodel: { norm: middle }\n", "model.norm", 2, "expected one of: pre, post, none (got 'middle')" },
        { "image task with transformer", "name: bad\ntask: { kind: image }\nmodel:\n  kind: transformer\n", "model.kind", 4,
            "the image task needs the mlp model" },
        { "bad name characters", "name: my sweep!\n", "name", 1, "1 to 100 letters, digits, '-' and '_' (got 'my sweep!')" },
        { "missing name", "task: { kind: modular }\n", "name", null, "required" },
        { "unknown grid axis with suggestion", Head + "grid:\n  weight_decy: [0.1]\n", "grid.weight_decy", 5,
            "unknown grid axis; did you mean 'weight_decay'?" },
        { "ambiguous grid axis", Head + "grid:\n  kind: [mlp]\n", "grid.kind", 5, "write task.kind or model.kind" },
        { "quoted number", Head + "optimizer: { lr: \"1e-3\" }\n", "optimizer.lr", 4,
            "expected a number, not the quoted string \"1e-3\"; remove the quotes" },
        { "quoted number in a grid", Head + "grid:\n  lr: ['1e-3']\n", "grid.lr", 5, "remove the quotes" },
        { "integer field given 2.5", "name: bad\nmodel: { depth: 2.5 }\n", "model.depth", 2, "expected an integer (got 2.5)" },
        { "batch_size half", Head + "training:\n  batch_size: half\n", "training.batch_size", 5,
            "expected an integer or one of: 'full', 'power' (got 'half')" },
        { "stop val_acc out of range", Head + "training:\n  stop: { val_acc: 1.5, evals: 5 }\n", "training.stop.val_acc", 5,
            "must be greater than 0 and at most 1 (got 1.5)" },
        { "stop without val_acc", Head + "training:\n  stop:\n    evals: 5\n", "training.stop.val_acc", 6, "stop needs a target" },
        { "stop with unknown key", Head + "training:\n  stop: { val_accuracy: 0.9 }\n", "training.stop.val_accuracy", 5,
            "did you mean 'val_acc'?" },
        { "stop with phase_decided false only", Head + "training:\n  stop: { phase_decided: false }\n", "training.stop.val_acc", 5,
            "stop needs a target: the validation accuracy to hold (val_acc: 0.99), the validation loss to fall below (val_loss: 0.1) "
            + "or the phase to be decided (phase_decided: true). Accepted: val_acc, evals, val_loss, phase_decided, phase_evals" },
        { "stop with a misspelt phase key", Head + "training:\n  stop: { phase_decide: true }\n", "training.stop.phase_decide", 5,
            "did you mean 'phase_decided'? Accepted: val_acc, evals, val_loss, phase_decided, phase_evals" },
        { "phase_decided not a boolean", Head + "training:\n  stop: { phase_decided: soon }\n", "training.stop.phase_decided", 5,
            "expected true or false" },
        { "phase_evals of 0", Head + "training:\n  stop: { phase_decided: true, phase_evals: 0 }\n", "training.stop.phase_evals", 5,
            "must be at least 1 (got 0)" },
        { "phase_evals without phase_decided", Head + "training:\n  stop:\n    val_acc: 0.99\n    phase_evals: 3\n",
            "training.stop.phase_evals", 7, "counts evaluations after the phase is decided, so it needs phase_decided: true" },
        { "stop not a mapping", Head + "training: { stop: 0.99 }\n", "training.stop", 4, "expected a mapping such as" },
        { "bad grid value at its own line", Head + "grid:\n  lr:\n    - 1e-3\n    - -1e-3\n", "grid.lr", 7, "must be greater than 0" },
        { "grid point breaks heads rule", "name: bad\nmodel: { kind: transformer, heads: 4 }\ngrid:\n  width: [128, 130]\n", "grid.width", 4,
            "model.heads: must divide model.width for a transformer (heads 4, width 130) (at grid point width=130)" },
        { "grid point with non-prime modulus", "name: bad\ntask: { operation: x/y }\ngrid:\n  modulus:\n    - 97\n    - 96\n",
            "grid.modulus", 6, "must be prime (got 96)" },
        { "grid range over an integer field", Head + "grid:\n  depth: { range: [1, 2], points: 3 }\n", "grid.depth", 5,
            "expected an integer (got 1.5) (a point of range)" },
        { "log_range from zero", Head + "grid:\n  lr: { log_range: [0, 1e-2], points: 5 }\n", "grid.lr.log_range", 5, "must be greater than 0" },
        { "range without points", Head + "grid:\n  lr: { range: [1e-3, 1e-2] }\n", "grid.lr.points", 5, "required" },
        { "grid axis as a single value", Head + "grid:\n  lr: 1e-3\n", "grid.lr", 5, "expected a list of values" },
        { "repeated grid value", Head + "grid:\n  lr: [1e-3, 0.001]\n", "grid.lr", 5, "value 0.001 appears twice" },
        { "betas of one number", Head + "optimizer: { betas: [0.9] }\n", "optimizer.betas", 4, "two numbers [beta1, beta2]" },
        { "beta2 of 1", Head + "optimizer: { betas: [0.9, 1.0] }\n", "optimizer.betas", 4, "beta2: must be at least 0 and less than 1 (got 1)" },
        { "toy task beyond 100 symbols", "name: bad\ntask: { kind: toy, modulus: 200 }\nmodel: { kind: toy }\n", "task.modulus", 2,
            "at most 100 symbols" },
        { "alias and field both set", "name: bad\nmodel:\n  init_scale: 2\n  alpha: 3\n", "model.alpha", 4, "already set at line 3" },
        { "bool field given yes", "name: bad\nmodel: { attention_bias: maybe }\n", "model.attention_bias", 2, "expected true or false" },
        { "section not a mapping", "name: bad\nmodel: mlp\n", "model", 2, "expected a mapping" },
        { "list where one value belongs", "name: bad\noptimizer:\n  lr: [1e-3, 3e-3]\n", "optimizer.lr", 3, "list its values under grid:" },
        { "unknown accelerator", "name: bad\nresources: { accelerator: tpu }\n", "resources.accelerator", 2, "expected one of: cpu, gpu, any" },
        { "negative max_failures", "name: bad\nmax_failures: -1\n", "max_failures", 2, "must be at least 0" },
        { "dropout of 1", "name: bad\nmodel: { dropout: 1 }\n", "model.dropout", 2, "less than 1" },
        { "empty spec", "# nothing yet\n", "", null, "the spec is empty" },
        { "top level is a list", "- name: bad\n", "", 1, "expected a mapping of settings at the top level" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Bad_spec_is_refused_naming_field_line_and_problem(string why, string yaml, string field, int? line, string fragment)
    {
        var error = Assert.Throws<SpecException>(() => SpecParser.Parse(yaml));

        Assert.True(field == error.Field, $"{why}: field '{error.Field}', expected '{field}'. {error.Message}");
        Assert.True(line == error.Line, $"{why}: line {error.Line}, expected {line}. {error.Message}");
        Assert.Contains(fragment, error.Message);
        Assert.StartsWith(line is null ? "spec.yaml: " : $"spec.yaml:{line}: ", error.Message);
    }

    [Fact]
    public void Grid_size_limit_is_configurable()
    {
        const string yaml = Head + "grid:\n  seed: { range: [0, 9], points: 10 }\n";

        Assert.Equal(10, SpecParser.Parse(yaml).Size);
        var error = Assert.Throws<SpecException>(() => SpecParser.Parse(yaml, limits: new SpecLimits { MaxGridSize = 5 }));
        // Refused from the axes' lengths, before any value is generated.
        Assert.Equal("grid", error.Field);
        Assert.Contains("expands to 10 runs (seed 10); the maximum is 5", error.Message);
    }

    [Fact]
    public void Missing_spec_file_is_refused_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-spec-{Guid.NewGuid():N}.yaml");

        var error = Assert.Throws<SpecException>(() => SpecParser.ParseFile(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("not found", error.Message);
    }
}
