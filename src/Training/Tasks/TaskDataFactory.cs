using Grokking.Training.Config;

namespace Grokking.Training.Tasks;

/// <summary>Builds the data of a task kind.</summary>
public static class TaskDataFactory
{
    public static TaskData Build(TaskConfig task, long seed) => task.Kind switch
    {
        "modular" => ModularTask.Build(task, seed),
        "toy" => ToyAdditionTask.Build(task, seed),
        "image" => ImageTask.Build(task, seed),
        _ => throw new ArgumentException($"Unknown task kind '{task.Kind}'. Accepted: modular, image, toy."),
    };
}
