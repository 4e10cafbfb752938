namespace Grokking.Client;

/// <summary>Process exit codes of the grokking tool.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The input was valid but the world was not (a run failed, a service was unreachable).</summary>
    public const int Failure = 1;

    /// <summary>Bad input: an invalid spec or command line. Nothing was written.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted by Ctrl-C; what was written is kept and the next run resumes from it.</summary>
    public const int Interrupted = 130;
}
