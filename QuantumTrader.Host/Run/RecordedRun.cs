using System.Text.Json;
using System.Text.Json.Serialization;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Host.Run;

/// <summary>
/// The settings that decide a run's trades, written to &lt;state&gt;/run.json at its first start and with every start
/// to starts.jsonl (<see cref="RecordedStart"/>), so that 'qt replay' can run the same job again and compare. Batch size,
/// snapshots, outputs and the ops API do not change a decision and are not recorded.
/// </summary>
public sealed record RecordedRun(
    IReadOnlyList<string> Data, DataFormat Format, BadRowPolicy OnBadRow, int Seed, double TrainFraction, double FeeBps, double SlippageBps,
    double StartingEquity, IReadOnlyList<string> Models, SizingMode Sizing, bool SizingShadow, int SizingUpdateEvery, RetrainSettings? Retrain,
    SignalFilterOptions? SignalFilter = null, EssOptions? Ess = null)
{
    public const string FileName = "run.json";

    public static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    public static RecordedRun Of(RunSettings s) => new(
        s.Data.Select(Path.GetFullPath).ToArray(), s.Format, s.OnBadRow, s.Seed, s.TrainFraction, s.FeeBps, s.SlippageBps,
        s.StartingEquity, s.Models, s.Sizing, s.SizingShadow, s.SizingUpdateEvery, s.Retrain,
        // The defaults are not written, so a state directory started before these settings existed reads the same.
        s.SignalFilter == new SignalFilterOptions() ? null : s.SignalFilter, s.Ess == EssOptions.Default ? null : s.Ess);

    /// <summary>The run's settings again, into <paramref name="stateDirectory"/>, on <paramref name="data"/> when given instead of the recorded files.</summary>
    public RunSettings Settings(string stateDirectory, IReadOnlyList<string>? data) => new()
    {
        Data = data is { Count: > 0 } ? data : Data, Format = Format, StateDirectory = stateDirectory, OnBadRow = OnBadRow, Seed = Seed,
        TrainFraction = TrainFraction, FeeBps = FeeBps, SlippageBps = SlippageBps, StartingEquity = StartingEquity, Models = Models,
        Sizing = Sizing, SizingShadow = SizingShadow, SizingUpdateEvery = SizingUpdateEvery, Retrain = Retrain,
        SignalFilter = SignalFilter ?? new SignalFilterOptions(), Ess = Ess ?? EssOptions.Default,
    };

    /// <summary>The settings in which <paramref name="other"/> differs from these, by their names in run.json.</summary>
    public IReadOnlyList<string> Differences(RecordedRun other)
    {
        var mine = JsonSerializer.SerializeToElement(this, JsonOut.Options);
        var theirs = JsonSerializer.SerializeToElement(other, JsonOut.Options);
        return mine.EnumerateObject()
            .Where(p => p.Value.GetRawText() != theirs.GetProperty(p.Name).GetRawText())
            .Select(p => p.Name).ToArray();
    }

    /// <summary>The recorded settings, or null for a state directory started before they were recorded; a file that does not parse fails naming it.</summary>
    public static RecordedRun? Read(string stateDirectory)
    {
        var path = PathIn(stateDirectory);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<RecordedRun>(File.ReadAllText(path), JsonOut.Options) is { Data.Count: > 0 } run
                ? run
                : throw new UsageException($"{path}: names no data");
        }
        catch (JsonException ex)
        {
            throw new UsageException($"{path}: line {(ex.LineNumber ?? 0) + 1}: {ex.Message}");
        }
    }

    /// <summary>
    /// At a first start, records the settings; at a later one, returns the settings it changed (what it decides follows
    /// them, and a replay repeats the first start's).
    /// </summary>
    public static IReadOnlyList<string> RecordOrCompare(RunSettings settings)
    {
        var now = Of(settings);
        if (Read(settings.StateDirectory) is { } first) return first.Differences(now);
        Directory.CreateDirectory(settings.StateDirectory);
        var path = PathIn(settings.StateDirectory);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(now, JsonOut.Options));
        File.Move(path + ".tmp", path, overwrite: true);
        return [];
    }
}

/// <summary>
/// One start of a state directory's job, a line of &lt;state&gt;/starts.jsonl: the settings it ran with, the last bar
/// of each symbol it read and when it began (wall clock). 'qt replay' runs the starts again one after another, each on
/// the data it had.
/// </summary>
public sealed record RecordedStart(RecordedRun Settings, IReadOnlyDictionary<string, DateTimeOffset> LastBars, DateTimeOffset? StartedAt = null)
{
    public const string FileName = "starts.jsonl";

    public static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    [JsonIgnore] public JobStart Job => new(LastBars, JsonSerializer.Serialize(Settings, JsonOut.Options), StartedAt);

    /// <summary>Adds the start before it decides anything; a start killed while writing leaves a line without its newline, which reading skips.</summary>
    public static void Append(string stateDirectory, RecordedStart start)
    {
        Directory.CreateDirectory(stateDirectory);
        var line = JsonSerializer.Serialize(start, JsonOut.Compact) + "\n";
        using var file = new FileStream(PathIn(stateDirectory), FileMode.Append, FileAccess.Write, FileShare.Read);
        file.Write(System.Text.Encoding.UTF8.GetBytes(line));
        file.Flush(flushToDisk: true);
    }

    /// <summary>Every start in order; none for a state directory started before starts were recorded. A complete line that does not parse fails naming it.</summary>
    public static IReadOnlyList<RecordedStart> ReadAll(string stateDirectory)
    {
        var path = PathIn(stateDirectory);
        if (!File.Exists(path)) return [];
        var text = File.ReadAllText(path);
        var lines = text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var starts = new List<RecordedStart>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            try
            {
                starts.Add(JsonSerializer.Deserialize<RecordedStart>(lines[i], JsonOut.Options) is { Settings.Data.Count: > 0, LastBars.Count: > 0 } start
                    ? start
                    : throw new UsageException($"{path}:{i + 1}: a start needs its settings and the last bar of each symbol"));
            }
            catch (JsonException ex)
            {
                throw new UsageException($"{path}:{i + 1}: {ex.Message}");
            }
        }
        return starts;
    }
}
