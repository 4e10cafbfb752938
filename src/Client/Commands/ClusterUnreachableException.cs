namespace Grokking.Client.Commands;

/// <summary>The cluster could not be reached (exit code 1: the input was fine, the world was not).</summary>
public sealed class ClusterUnreachableException(string message, Exception inner) : Exception(message, inner);
