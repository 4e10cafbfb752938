namespace Grokking.Client.Tests.BadInput;

/// <summary>
/// Every spec in corpus/ is refused by train, run and submit alike, before anything is contacted or written. Each
/// file's first line is <c># expect CODE: MESSAGE</c>: the exit code and text the one error line must contain
/// (<c>{dir}</c> stands for the folder the spec is read from).
/// </summary>
public sealed class SpecCorpusTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Nothing listens on port 1: a command that contacted the cluster would exit 1, not 2.
    private const string DeadRedis = "127.0.0.1:1,connectTimeout=1000";

    private readonly TempFolder _work = new();

    public static string CorpusFolder { get; } = Path.Combine(Cli.RepositoryRoot, "tests", "Client.Tests", "BadInput", "corpus");

    public static TheoryData<string> Corpus()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(CorpusFolder, "*.yaml").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void The_corpus_covers_at_least_55_bad_specs() => Assert.True(Corpus().Count >= 55, $"{Corpus().Count} corpus specs");

    [Theory]
    [MemberData(nameof(Corpus))]
    public void A_bad_spec_is_refused_by_train_run_and_submit_with_one_message_and_nothing_written(string name)
    {
        var text = File.ReadAllText(Path.Combine(CorpusFolder, name));
        var header = text.Split('\n')[0];
        const string prefix = "# expect ";
        Assert.True(header.StartsWith(prefix, StringComparison.Ordinal) && header.Contains(": ", StringComparison.Ordinal),
            $"{name}: first line must be '# expect CODE: MESSAGE', is '{header}'");
        int code = int.Parse(header[prefix.Length..header.IndexOf(':', StringComparison.Ordinal)]);
        var message = header[(header.IndexOf(": ", StringComparison.Ordinal) + 2)..];
        RefusedEverywhere(name, text, code, message);
    }

    [Fact]
    public void An_empty_file_is_refused_everywhere() =>
        RefusedEverywhere("empty.yaml", "", 2, "empty.yaml: the spec is empty; it needs at least name: and task:");

    // Runs the three commands that read a spec from a folder holding only that spec; the folder must be unchanged after each.
    private void RefusedEverywhere(string name, string text, int code, string message)
    {
        var folder = Path.Combine(_work.Path, Path.GetFileNameWithoutExtension(name));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name), text);
        var expected = message.Replace("{dir}", folder, StringComparison.Ordinal);
        var before = Refusal.Listing(folder);

        // Spec paths as users type them, relative to the current folder; run and submit use the default output folder.
        string[][] commands = [["train", name, "--out", "out"], ["run", name, "--slots", "1"], ["submit", name, "--redis", DeadRedis]];
        foreach (var args in commands)
        {
            var result = Cli.RunMeasured(folder, Timeout, null, args);
            Refusal.CheckBounded(result, code, expected, $"{args[0]} {name}");
            Assert.Equal(before, Refusal.Listing(folder));
        }
    }

    public void Dispose() => _work.Dispose();
}
