namespace Grokking.Client.Query;

/// <summary>The folder given to <c>grokking sql</c> holds no readable sweep; the message names the path and what is accepted.</summary>
public sealed class SweepDatasetException(string message) : Exception(message);
