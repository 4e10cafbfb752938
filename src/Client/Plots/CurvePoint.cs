namespace Grokking.Client.Plots;

/// <summary>A full evaluation of one run: accuracy on the whole training and validation splits at a step.</summary>
public readonly record struct CurvePoint(long Step, double TrainAcc, double ValAcc);
