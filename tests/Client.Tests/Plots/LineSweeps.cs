namespace Grokking.Client.Tests.Plots;

/// <summary>Small runs.parquet tables made with DuckDB, the grid shapes the line-plot tests draw.</summary>
internal static class LineSweeps
{
    /// <summary>
    /// A 1-D sweep over train_fraction, Power et al.'s steps-against-data-fraction shape: at 0.2 the run failed, at 0.3
    /// it finished without its validation loss ever dropping below the threshold, above that the step falls from 9,000 to 300.
    /// </summary>
    public static string Fraction(string root) => Fabricate(root, "fraction", """
        SELECT 'fraction' AS sweep_id, 'r' || i AS run_id, i::INTEGER AS run_index, status, 0 AS failures, train_fraction::DOUBLE AS train_fraction,
               2000::BIGINT AS steps_trained, 50::BIGINT AS step_train_99, s::BIGINT AS step_val_99, (s - 50)::BIGINT AS grokking_gap,
               s::BIGINT AS step_val_loss_below, phase, 0.5::DOUBLE AS final_val_acc, 0.5::DOUBLE AS max_val_acc,
               false AS stopped_early, wall_time_s::DOUBLE AS wall_time_s
        FROM (VALUES (0, 'failed', 0.2, NULL, NULL, 1.0), (1, 'done', 0.3, NULL, 'memorization', 2.0),
                     (2, 'done', 0.4, 9000, 'grokking', 3.0), (3, 'done', 0.5, 2500, 'grokking', 4.0),
                     (4, 'done', 0.6, 800, 'grokking', 5.0), (5, 'done', 0.7, 300, 'comprehension', 6.0))
             AS t(i, status, train_fraction, s, phase, wall_time_s)
        """);

    /// <summary>operation × train_fraction at one lr: x-y at 0.3 never generalises, x/y at 0.3 diverged and at 0.7 failed.</summary>
    public static string Operation(string root) => Fabricate(root, "operations", """
        SELECT 'operations' AS sweep_id, 'r' || i AS run_id, i::INTEGER AS run_index, status, 0 AS failures, operation,
               train_fraction::DOUBLE AS train_fraction, 1e-3 AS lr, 2000::BIGINT AS steps_trained, 50::BIGINT AS step_train_99, s::BIGINT AS step_val_99,
               (s - 50)::BIGINT AS grokking_gap, phase, 0.5::DOUBLE AS final_val_acc, 0.5::DOUBLE AS max_val_acc
        FROM (VALUES (0, 'done', 'x+y', 0.3, 400, 'grokking'), (1, 'done', 'x+y', 0.5, 200, 'comprehension'),
                     (2, 'done', 'x+y', 0.7, 100, 'comprehension'), (3, 'done', 'x-y', 0.3, NULL, 'memorization'),
                     (4, 'done', 'x-y', 0.5, 900, 'grokking'), (5, 'done', 'x-y', 0.7, 300, 'grokking'),
                     (6, 'done', 'x/y', 0.3, NULL, 'diverged'), (7, 'done', 'x/y', 0.5, 3000, 'grokking'),
                     (8, 'failed', 'x/y', 0.7, NULL, NULL))
             AS t(i, status, operation, train_fraction, s, phase)
        """);

    /// <summary>A sweep folder <c>sweep=NAME</c> under a new folder in <paramref name="root"/> whose runs.parquet is the result of <paramref name="select"/>.</summary>
    public static string Fabricate(string root, string name, string select)
    {
        var folder = Path.Combine(root, Guid.NewGuid().ToString("N"), $"sweep={name}");
        Directory.CreateDirectory(folder);
        DuckDb.Rows($"COPY ({select}) TO '{Path.Combine(folder, "runs.parquet")}' (FORMAT parquet)");
        return folder;
    }
}
