namespace Grokking.Silo.Tests.Cluster;

/// <summary>Polling instead of fixed sleeps: a condition is awaited up to a deadline, and a timeout says what was last seen.</summary>
public static class Eventually
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds; returns the value that satisfied it.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {what}; last seen: {value}");
            await Task.Delay(PollInterval);
        }
    }
}
