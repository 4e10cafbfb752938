using Grokking.Training.Config;
using Grokking.Training.Tasks;

namespace Grokking.Training.Models;

/// <summary>Builds the model a spec names, sized for the task's data.</summary>
public static class ModelFactory
{
    /// <param name="outputs">Output width: the task's classes, or the length of its MSE target vectors.</param>
    public static GrokModel Build(ModelConfig model, TaskData data, int outputs) => model.Kind switch
    {
        "transformer" => new TransformerModel(model, data.Vocabulary, data.InputWidth, outputs, data.AnswerPositions),
        "mlp" => new MlpModel(data.InputWidth, data.Vocabulary, model.EmbeddingDim > 0 ? model.EmbeddingDim : model.Width,
            model.Depth, model.Width, outputs),
        "toy" => new ToyModel(data.Vocabulary, model.EmbeddingDim > 0 ? model.EmbeddingDim : 1, model.Depth, model.Width,
            outputs),
        _ => throw new ArgumentException($"Unknown model kind '{model.Kind}'. Accepted: transformer, mlp, toy."),
    };
}
