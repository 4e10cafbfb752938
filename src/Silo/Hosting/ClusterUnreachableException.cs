namespace Grokking.Silo.Hosting;

/// <summary>The cluster (or its Redis) could not be reached (exit code 1: the input was fine, the world was not).</summary>
public sealed class ClusterUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
