using Grokking.Training.Models;
using YamlDotNet.RepresentationModel;

namespace Grokking.Grains.Specs;

/// <summary>The keys whose value is not a single setting: a model preset, AdamW's betas pair, the stopping rules' mapping.</summary>
internal sealed partial class SpecReader
{
    private void ReadPreset(YamlNode node)
    {
        const string path = "model.preset";
        var scalar = Scalar(node, path);
        if (!ModelPresets.Names.Contains(scalar.Text, StringComparer.Ordinal))
            throw Fail(path, scalar.Line, $"unknown preset {SpecText.Shown(scalar.Text)}; accepted: {string.Join(", ", ModelPresets.Names.Select(n => $"'{n}'"))}");
        config = config with { Model = ModelPresets.For(scalar.Text, config.Model) };
        lines[path] = scalar.Line ?? 0;
    }

    private void ReadBetas(YamlNode node)
    {
        const string path = "optimizer.betas";
        if (node is not YamlSequenceNode { Children.Count: 2 } list)
            throw Fail(path, LineOf(node), "expected a list of two numbers [beta1, beta2], e.g. betas: [0.9, 0.98]");
        for (int i = 0; i < 2; i++)
        {
            var field = SpecCatalog.ByPath[$"optimizer.beta{i + 1}"];
            var scalar = Scalar(list.Children[i], path);
            if (field.TryConvert(scalar, baseDirectory, out var value) is { } problem)
                throw Fail(path, scalar.Line, $"beta{i + 1}: {problem}");
            Apply(field, value, scalar.Line, path);
        }
    }

    private void ReadStop(YamlNode node)
    {
        const string path = "training.stop";
        if (IsNull(node)) return;
        if (node is not YamlMappingNode mapping)
            throw Fail(path, LineOf(node),
                "expected a mapping such as { val_acc: 0.99, evals: 5 }, { val_loss: 0.1 } or { phase_decided: true }");
        string[] accepted = ["val_acc", "evals", "val_loss", "phase_decided", "phase_evals"];
        bool hasTarget = false;
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = KeyText(keyNode, path + ".");
            if (!accepted.Contains(key))
                throw Fail($"{path}.{key}", LineOf(keyNode), KeySuggestion.Unknown(key, accepted));
            Set(SpecCatalog.ByPath[$"{path}.{key}"], value, $"{path}.{key}");
            hasTarget |= key is "val_acc" or "val_loss" || (key is "phase_decided" && config.Training.StopPhaseDecided);
        }
        if (!hasTarget)
            throw Fail($"{path}.val_acc", LineOf(node),
                "stop needs a target: the validation accuracy to hold (val_acc: 0.99), the validation loss to fall below "
                + $"(val_loss: 0.1) or the phase to be decided (phase_decided: true). Accepted: {string.Join(", ", accepted)}");
    }
}
