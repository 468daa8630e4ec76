using System.Globalization;
using System.Text.Json;
using QuantumTrader.Host.Cli;

namespace QuantumTrader.Host.Run;

/// <summary>
/// When each symbol of a state directory started trading, written at its first start (&lt;state&gt;/plan.json). A later
/// start on more bars (a data file that grew) keeps each symbol's cut, so its models learn from the same bars, the first
/// versions are the ones already stored, and the bars the journal traded stay trading bars.
/// </summary>
public sealed record StoredPlan(double TrainFraction, IReadOnlyDictionary<string, DateTimeOffset> TradeFrom)
{
    public const string FileName = "plan.json";

    public static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    /// <summary>The stored plan, or null before the first start; a file that does not parse fails naming it.</summary>
    public static StoredPlan? Read(string stateDirectory)
    {
        var path = PathIn(stateDirectory);
        if (!File.Exists(path)) return null;
        try
        {
            var plan = JsonSerializer.Deserialize<StoredPlan>(File.ReadAllText(path), JsonOut.Options);
            if (plan?.TradeFrom is null || plan.TrainFraction is <= 0 or >= 1)
                throw new UsageException($"{path}: needs a trainFraction between 0 and 1 and a tradeFrom time per symbol");
            return plan;
        }
        catch (JsonException ex)
        {
            throw new UsageException($"{path}: line {(ex.LineNumber ?? 0) + 1}: {ex.Message}");
        }
    }

    /// <summary>Writes the plan through a temporary file, so a start killed while writing leaves the old plan or none.</summary>
    public void Write(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = PathIn(stateDirectory);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, JsonOut.Options));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Refuses another --train-fraction than the one the state directory started with: its journal follows that cut.</summary>
    public void Check(double trainFraction, string stateDirectory)
    {
        if (trainFraction != TrainFraction)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--train-fraction {trainFraction} differs from {TrainFraction}, the fraction {PathIn(stateDirectory)} started with; use {TrainFraction} or a new --state"));
    }
}
