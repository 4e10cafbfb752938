namespace Grokking.Training.Config;

/// <summary>What to learn: the dataset and how it is split.</summary>
public sealed record TaskConfig
{
    /// <summary>modular (binary operations mod p and in S5), image (IDX files), toy (Liu et al. addition) or noop (no training; for orchestration tests).</summary>
    public string Kind { get; init; } = "modular";

    /// <summary>Modular: one of <see cref="Tasks.ModularOperations.Names"/>.</summary>
    public string Operation { get; init; } = "x+y";

    /// <summary>Modular: the prime p (ignored by S5 operations). Toy: the number of symbols.</summary>
    public int Modulus { get; init; } = 97;

    /// <summary>Modular and toy: share of all examples used for training, the rest is validation.</summary>
    public double TrainFraction { get; init; } = 0.5;

    /// <summary>
    /// Modular token layout: compact (x op y =, the answer among the numbers), power (openai/grok's
    /// &lt;|eos|&gt; x op y = z &lt;|eos|&gt; over its 239-token vocabulary) or nanda (x y =, p + 1 tokens).
    /// See <see cref="Tasks.ModularTask.Build"/>.
    /// </summary>
    public string Layout { get; init; } = "compact";

    /// <summary>Image: folder holding train-images-idx3-ubyte(.gz) and friends.</summary>
    public string DataDir { get; init; } = "/usr/share/datasets/fashion-mnist";

    /// <summary>Image: training images drawn (seeded) from the IDX training file.</summary>
    public int TrainSize { get; init; } = 1000;

    /// <summary>Image: validation images taken from the IDX test file (0 = all of them).</summary>
    public int ValSize { get; init; } = 0;

    /// <summary>Loss: ce (cross-entropy) or mse (regression onto each class's target vector, see <see cref="TargetDim"/>).</summary>
    public string Loss { get; init; } = "ce";

    /// <summary>
    /// MSE targets: 0 regresses onto one-hot rows (Omnigrok); d &gt; 0 onto a fixed random N(0, 1) vector of length d
    /// per class, drawn from the seed, and predicts the class of the nearest one (Liu et al.'s toy regression, d = 30).
    /// </summary>
    public int TargetDim { get; init; }

    /// <summary>
    /// Toy: draw the regression targets and the train/validation split as Liu et al.'s train_add.py does with
    /// np.random.seed(this) (toy/train_add.py:75, 94, 148), instead of from the run's seed; null (the default) uses the
    /// run's seed. Initialisation and data order still come from the run's seed (the authors' come from torch).
    /// </summary>
    public long? NumpySeed { get; init; }

    /// <summary>
    /// Noop: a known phase boundary for testing searches. When set, a run whose <c>lr * (1 + weight_decay)</c> is
    /// below this value never generalises (memorization); at or above it, it groks as every noop run does. Null (the
    /// default): every run groks.
    /// </summary>
    public double? NoopBoundary { get; init; }

    /// <summary>Noop: milliseconds each step sleeps, to stand in for training time.</summary>
    public int StepMs { get; init; }
}
