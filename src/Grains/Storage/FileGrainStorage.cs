using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace Grokking.Grains.Storage;

/// <summary>Grain state for the embedded mode: one JSON file per grain under {root}/{state name}/{grain type}/{grain key}.json, replaced atomically, with ETags.</summary>
/// <remarks>
/// The file holds the grain id, an ETag (a hash of the state's JSON) and the state itself; a write whose ETag
/// is not the stored one throws <see cref="InconsistentStateException"/>, as Orleans' own providers do.
/// Writes go through a temp file, fsync and rename, so an interrupted embedded sweep finds the last state
/// it wrote and at worst an ignored temp file.
/// </remarks>
public sealed class FileGrainStorage : IGrainStorage
{
    private const int Format = 1;
    private const string FileExtension = ".json";

    // Enums as names and NaN as "NaN" keep files readable and let records such as RunRecord (NaN accuracy
    // until the first eval) round-trip; fields are included so plain state classes need no attributes.
    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.General)
    {
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    // One writer per file at a time within this process: the ETag check and the rename must not interleave.
    private readonly SemaphoreSlim[] _fileLocks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>A storage keeping its files under <paramref name="root"/> (created on first write).</summary>
    public FileGrainStorage(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The absolute folder all state files live under.</summary>
    public string Root { get; }

    /// <summary>The file holding one grain's state of the given name.</summary>
    public string PathOf(string stateName, GrainId grainId)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        return Path.Combine(
            Root,
            StateFileName.Escape(stateName),
            StateFileName.Escape(grainId.Type.ToString()!),
            StateFileName.Escape(grainId.Key.ToString()!) + FileExtension);
    }

    /// <summary>Reads a grain's state without activating the grain (e.g. for a status command); default when it has none.</summary>
    public async Task<T?> ReadAsync<T>(string stateName, GrainId grainId, CancellationToken ct = default)
    {
        var state = new GrainState<T>();
        await ReadStateAsync(stateName, grainId, state, ct);
        return state.RecordExists ? state.State : default;
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <summary>Loads the stored state; a grain without a file keeps its default state, with no ETag and RecordExists false.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a state file for this grain, or its content does not match its ETag.</exception>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var path = PathOf(stateName, grainId);
        var stored = await LoadAsync(path, grainId, cancellationToken);
        if (stored is null)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        grainState.State = Deserialize<T>(stored.Value.State, path);
        grainState.ETag = stored.Value.ETag;
        grainState.RecordExists = true;
    }

    /// <summary>Replaces the stored state if <paramref name="grainState"/>'s ETag is the stored one (null when there is no file); sets the new ETag.</summary>
    /// <exception cref="InconsistentStateException">The file changed (or appeared, or went) since this state was read.</exception>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var path = PathOf(stateName, grainId);
        var fileLock = LockFor(path);
        await fileLock.WaitAsync(cancellationToken);
        try
        {
            var stored = await LoadAsync(path, grainId, cancellationToken);
            CheckETag(stored?.ETag, grainState.ETag, path, "write");

            var stateJson = JsonSerializer.SerializeToUtf8Bytes(grainState.State, StateJson);
            var etag = ETagOf(stateJson);
            await AtomicFile.WriteAsync(path, (stream, _) => WriteEnvelope(stream, grainId, etag, stateJson), cancellationToken);

            grainState.ETag = etag;
            grainState.RecordExists = true;
        }
        finally
        {
            fileLock.Release();
        }
    }

    /// <summary>Deletes the stored state; the grain then has no ETag and RecordExists false.</summary>
    /// <exception cref="InconsistentStateException">The file was replaced since this state was read.</exception>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var path = PathOf(stateName, grainId);
        var fileLock = LockFor(path);
        await fileLock.WaitAsync(cancellationToken);
        try
        {
            var stored = await LoadAsync(path, grainId, cancellationToken);
            // A file that is already gone is what a clear wants, whatever ETag the caller holds.
            if (stored is not null)
            {
                CheckETag(stored.Value.ETag, grainState.ETag, path, "clear");
                AtomicFile.Delete(path);
            }
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        finally
        {
            fileLock.Release();
        }
    }

    private SemaphoreSlim LockFor(string path) =>
        _fileLocks[(uint)StringComparer.Ordinal.GetHashCode(path) % (uint)_fileLocks.Length];

    private static void CheckETag(string? storedETag, string? callerETag, string path, string operation)
    {
        if (string.Equals(storedETag, callerETag, StringComparison.Ordinal)) return;
        throw new InconsistentStateException(
            $"Cannot {operation} grain state {path}: it was read with ETag {callerETag ?? "(none)"} but the stored ETag is "
            + $"{storedETag ?? "(none: the file does not exist)"}; another writer changed it. Read the state again and retry.",
            storedETag ?? "", callerETag ?? "");
    }

    private static string ETagOf(byte[] stateJson) => Convert.ToHexStringLower(SHA256.HashData(stateJson))[..32];

    private static Task WriteEnvelope(Stream stream, GrainId grainId, string etag, byte[] stateJson)
    {
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteNumber("format", Format);
        json.WriteString("grain", grainId.ToString());
        json.WriteString("etag", etag);
        json.WritePropertyName("state");
        json.WriteRawValue(stateJson, skipInputValidation: true);
        json.WriteEndObject();
        json.Flush();
        return Task.CompletedTask;
    }

    private static async Task<(string ETag, string State)?> LoadAsync(string path, GrainId grainId, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, ct);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        string Fix(string what) =>
            $"Grain state file {path} {what}. Restore it from a backup or delete it to start that grain from its default state.";
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (!root.TryGetProperty("format", out var format) || format.GetInt32() != Format)
                throw new InvalidDataException(Fix($"has format {(root.TryGetProperty("format", out var f) ? f.ToString() : "(none)")}; this version reads format {Format}"));
            var grain = root.GetProperty("grain").GetString();
            if (grain != grainId.ToString())
                throw new InvalidDataException(Fix($"belongs to grain {grain}, not {grainId}"));
            var etag = root.GetProperty("etag").GetString() ?? throw new InvalidDataException(Fix("has no etag"));
            var state = root.GetProperty("state").GetRawText();
            if (ETagOf(Encoding.UTF8.GetBytes(state)) != etag)
                throw new InvalidDataException(Fix("does not match its etag: it was edited or damaged"));
            return (etag, state);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException(Fix($"is not a valid state file ({e.Message})"), e);
        }
    }

    private static T Deserialize<T>(string stateJson, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(stateJson, StateJson)!;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"Grain state file {path} does not hold a {typeof(T).Name}: {e.Message} Delete it to start that grain from its default state.", e);
        }
    }
}
