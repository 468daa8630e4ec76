using System.Text.Json;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Host.Run;

/// <summary>
/// The settings that decide a run's trades, written to &lt;state&gt;/run.json at its first start, so that 'qt replay'
/// can run the same job again and compare. Batch size, snapshots, outputs and the ops API do not change a decision and
/// are not recorded.
/// </summary>
public sealed record RecordedRun(
    IReadOnlyList<string> Data, DataFormat Format, BadRowPolicy OnBadRow, int Seed, double TrainFraction, double FeeBps, double SlippageBps,
    double StartingEquity, IReadOnlyList<string> Models, SizingMode Sizing, bool SizingShadow, int SizingUpdateEvery, RetrainSettings? Retrain)
{
    public const string FileName = "run.json";

    public static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    public static RecordedRun Of(RunSettings s) => new(
        s.Data.Select(Path.GetFullPath).ToArray(), s.Format, s.OnBadRow, s.Seed, s.TrainFraction, s.FeeBps, s.SlippageBps,
        s.StartingEquity, s.Models, s.Sizing, s.SizingShadow, s.SizingUpdateEvery, s.Retrain);

    /// <summary>The run's settings again, into <paramref name="stateDirectory"/>, on <paramref name="data"/> when given instead of the recorded files.</summary>
    public RunSettings Settings(string stateDirectory, IReadOnlyList<string>? data) => new()
    {
        Data = data is { Count: > 0 } ? data : Data, Format = Format, StateDirectory = stateDirectory, OnBadRow = OnBadRow, Seed = Seed,
        TrainFraction = TrainFraction, FeeBps = FeeBps, SlippageBps = SlippageBps, StartingEquity = StartingEquity, Models = Models,
        Sizing = Sizing, SizingShadow = SizingShadow, SizingUpdateEvery = SizingUpdateEvery, Retrain = Retrain,
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
