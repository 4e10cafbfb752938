namespace Grokking.Client.Plots;

/// <summary>
/// Bad input to <c>grokking plot</c> (a folder that holds no finished sweep, an unknown axis, metric or run), raised
/// before anything is written; the message names what is wrong and what is accepted.
/// </summary>
public sealed class PlotInputException(string message) : Exception(message);
