using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Grokking.Training.Checkpoints;

/// <summary>
/// The outer checkpoint format: magic, format version, payload length, payload, SHA-256 of the payload.
/// A truncated or corrupted blob is detected before a single tensor is loaded.
/// </summary>
public static class CheckpointEnvelope
{
    /// <summary>The format this build writes.</summary>
    // 2: the outcome tracker keeps the validation-loss threshold step and divergence; 3: it keeps each stop rule's state.
    public const int FormatVersion = 3;

    /// <summary>The oldest format this build still reads (the payload's reader is told the version).</summary>
    public const int OldestReadable = 2;

    private static ReadOnlySpan<byte> Magic => "GROKCKPT"u8;
    private const int HeaderLength = 8 + 4 + 8;
    private const int ChecksumLength = 32;

    public static byte[] Seal(ReadOnlySpan<byte> payload)
    {
        var blob = new byte[HeaderLength + payload.Length + ChecksumLength];
        Magic.CopyTo(blob);
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(blob.AsSpan(12), payload.Length);
        payload.CopyTo(blob.AsSpan(HeaderLength));
        SHA256.HashData(payload, blob.AsSpan(HeaderLength + payload.Length));
        return blob;
    }

    /// <summary>The payload of a sealed blob; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static ReadOnlyMemory<byte> Open(ReadOnlyMemory<byte> blob) => Open(blob, out _);

    /// <summary>The payload of a sealed blob and the format <paramref name="version"/> it was written in.</summary>
    public static ReadOnlyMemory<byte> Open(ReadOnlyMemory<byte> blob, out int version)
    {
        var span = blob.Span;
        if (span.Length < HeaderLength + ChecksumLength || !span[..8].SequenceEqual(Magic))
            throw new InvalidDataException($"Not a Grokking checkpoint ({span.Length} bytes, bad header).");
        version = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        if (version is < OldestReadable or > FormatVersion)
            throw new InvalidDataException($"Checkpoint format version {version}; this build reads versions {OldestReadable} to {FormatVersion}.");
        long length = BinaryPrimitives.ReadInt64LittleEndian(span[12..]);
        if (length != span.Length - HeaderLength - ChecksumLength)
            throw new InvalidDataException($"Checkpoint truncated: header says {length} payload bytes, blob holds {span.Length - HeaderLength - ChecksumLength}.");
        var payload = blob.Slice(HeaderLength, (int)length);
        Span<byte> actual = stackalloc byte[ChecksumLength];
        SHA256.HashData(payload.Span, actual);
        if (!actual.SequenceEqual(span[(HeaderLength + (int)length)..]))
            throw new InvalidDataException("Checkpoint checksum mismatch: the blob is corrupted.");
        return payload;
    }
}
