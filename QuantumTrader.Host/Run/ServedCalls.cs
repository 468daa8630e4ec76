using QuantumTrader.Actors.Learning;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Learning;

namespace QuantumTrader.Host.Run;

/// <summary>A version whose artifact could not answer again for the bars it served (an approved cleanup deleted it, or it does not open).</summary>
public sealed record UnansweredVersion(string Slot, string Version, int Bars, string Reason);

/// <summary>
/// Every slot's call at every traded bar, answered again by the artifact of the version that served the bar (the champion,
/// or the A/B arm the bar went to; <see cref="ServingTimeline"/>). The journal holds the models' votes only where the
/// ensemble wanted to trade; these are the calls at every other bar too.
/// </summary>
public static class ServedCalls
{
    private const int BatchSize = 256;

    public static (List<BarCall> Calls, List<UnansweredVersion> Unanswered) Answer(
        IReadOnlyList<SymbolHistory> symbols, ModelRegistryState registry, ServingTimeline timeline)
    {
        var regimes = new RegimeClassifier();
        var calls = new List<BarCall>();
        var unanswered = new List<UnansweredVersion>();
        foreach (var slot in registry.Versions.Select(v => v.Slot).Distinct().OrderBy(ModelSlots.OrderOf))
        {
            var byVersion = new Dictionary<string, List<(SymbolHistory Symbol, int Bar, ModelInput Input)>>(StringComparer.Ordinal);
            foreach (var s in symbols)
            for (var i = s.TrainingBars; i < s.Times.Length; i++)
            {
                if (!s.Rows[i].IsWarm) continue;
                var input = s.InputAt(i);
                if (timeline.VersionAt(slot, input) is not { } version) continue;
                if (!byVersion.TryGetValue(version, out var bars)) byVersion[version] = bars = [];
                bars.Add((s, i, input));
            }

            foreach (var (version, bars) in byVersion.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                IPredictor predictor;
                try
                {
                    predictor = RegistryServing.Open(registry.Find(slot, version)!);
                }
                catch (InvalidOperationException ex)
                {
                    unanswered.Add(new UnansweredVersion(slot, version, bars.Count, ex.Message));
                    continue;
                }
                try
                {
                    foreach (var chunk in bars.Chunk(BatchSize))
                    {
                        var predictions = predictor.PredictBatch(chunk.Select(b => b.Input).ToArray());
                        for (var k = 0; k < chunk.Length; k++)
                        {
                            var (s, i, input) = chunk[k];
                            calls.Add(new BarCall(slot, version, s.Symbol, s.Times[i], regimes.Classify(input.Features).ToString(),
                                predictions[k].Action, predictions[k].Confidence, s.UpAfter(i)));
                        }
                    }
                }
                finally
                {
                    (predictor as IDisposable)?.Dispose();
                }
            }
        }
        return (calls, unanswered);
    }
}
