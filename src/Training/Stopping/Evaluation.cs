namespace Grokking.Training.Stopping;

/// <summary>One full evaluation of a run: the step and the loss and accuracy on the whole train and validation splits.</summary>
public readonly record struct Evaluation(long Step, double TrainLoss, double TrainAcc, double ValLoss, double ValAcc);
