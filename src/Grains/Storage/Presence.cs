namespace Grokking.Grains.Storage;

/// <summary>Whether a text column of a Parquet table may hold nulls (Parquet's REQUIRED or OPTIONAL).</summary>
/// <remarks>A value column says it by its type instead: <c>long</c> is required, <c>long?</c> optional.</remarks>
public enum Presence
{
    /// <summary>Every row has a value; a null is a bug and fails the write.</summary>
    Required,

    /// <summary>A row may have no value (NULL to readers).</summary>
    Optional,
}
