using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Ensemble.Onnx;
using QuantumTrader.Models.Ensemble.Trees;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Host.Run;

/// <summary>
/// When each symbol starts trading: after the bars its models were trained on. <see cref="Forecasters"/> are the forecasting
/// slots' first versions, trained on the same bars.
/// </summary>
public sealed record TradingPlan(IReadOnlyDictionary<string, DateTimeOffset> TradeFrom, DateTimeOffset TrainedTo)
{
    public IReadOnlyList<ForecastRegistration> Forecasters { get; init; } = [];

    public bool TradesAt(Bar bar) => bar.Time >= TradeFrom[bar.Symbol];
}

/// <summary>
/// Trains the models of the chosen slots on the first part of every symbol's bars and serves them: the two tree models exported
/// to ONNX and served through ONNX Runtime (or an imported model where one was chosen, see <see cref="ImportedServing"/>), N-HiTS
/// and PatchTST on the closes served in process (<see cref="ForecastBootstrap"/>). Training is deterministic, so a resumed run
/// finds the same versions on disk and loads them.
/// </summary>
public static class ModelBootstrap
{
    /// <summary>Labels look this many bars ahead: did the close rise?</summary>
    public const int LabelHorizon = 4;

    /// <summary>
    /// Trains or loads the first version of every chosen slot and serves it. A first version an approved cleanup deleted
    /// (<paramref name="deleted"/>: slot and artifact name) is neither trained nor served again: the registry, once read,
    /// serves the slot's champion, which a deletion never is.
    /// </summary>
    public static TradingPlan Prepare(ReplayData data, RunSettings settings, EnsembleServing serving, IRunObserver observer,
        IReadOnlySet<(string Slot, string Name)> deleted)
    {
        var slots = Slots(settings.Models);
        var stored = StoredPlan.Read(settings.StateDirectory);
        stored?.Check(settings.TrainFraction, settings.StateDirectory);
        var tradeFrom = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var sets = new List<TreeTrainingSet>();
        var closes = new SortedDictionary<string, double[]>(StringComparer.Ordinal);
        var trainedTo = DateTimeOffset.MinValue;
        foreach (var group in data.Bars.GroupBy(b => b.Symbol))
        {
            var bars = group.ToArray();
            // A symbol the state directory already trades keeps its cut whatever bars were added since.
            var cut = stored?.TradeFrom.TryGetValue(group.Key, out var from) == true
                ? bars.Count(b => b.Time < from)
                : (int)Math.Floor(bars.Length * settings.TrainFraction);
            if (cut <= FeatureCalculator.WarmUpBars + LabelHorizon || cut >= bars.Length)
                throw new Cli.UsageException(
                    $"{group.Key}: {bars.Length} bars leave {cut} for training " +
                    (stored?.TradeFrom.ContainsKey(group.Key) == true ? $"before its start of trading in {StoredPlan.PathIn(settings.StateDirectory)}" : $"at --train-fraction {settings.TrainFraction}") +
                    $"; need more than {FeatureCalculator.WarmUpBars + LabelHorizon} and some left to trade");
            tradeFrom[group.Key] = bars[cut].Time;
            if (bars[cut - 1].Time > trainedTo) trainedTo = bars[cut - 1].Time;
            var calculator = new FeatureCalculator(group.Key);
            var rows = bars[..cut].Select(calculator.Next).ToArray();
            closes[group.Key] = bars[..cut].Select(b => b.Close).ToArray();
            sets.Add(TreeTrainingSet.FromFeatures(rows, closes[group.Key], LabelHorizon));
        }

        var known = stored?.TradeFrom ?? new Dictionary<string, DateTimeOffset>();
        var added = tradeFrom.Where(t => !known.ContainsKey(t.Key)).ToArray();
        if (stored is null || added.Length > 0)
            new StoredPlan(settings.TrainFraction, new SortedDictionary<string, DateTimeOffset>(known.Concat(added).ToDictionary(), StringComparer.Ordinal))
                .Write(settings.StateDirectory);

        var pooled = Pool(sets);
        var options = new TreeTrainingOptions { Seed = settings.Seed };
        foreach (var slot in new[] { ModelSlots.Xgb, ModelSlots.Lgbm }.Where(slots.Contains))
        {
            var dir = ImportedServing.SlotDirectory(settings.StateDirectory, slot);
            if (ImportedServing.Read(dir) is { } imported)
            {
                var chosen = OnnxTreePredictor.Open(Path.Combine(dir, TreeModelArtifact.SidecarFileName(imported)));
                serving.Serve(chosen);
                observer.Info($"serving {slot} {chosen.Version} (imported) through ONNX Runtime");
                continue;
            }
            var version = TreeTrainer.VersionFor(slot, pooled, options);
            var sidecar = SidecarPath(settings.StateDirectory, slot, version);
            if (!File.Exists(sidecar) && deleted.Contains((slot, Path.GetFileName(sidecar))))
            {
                observer.Info(Deleted(slot, version));
                continue;
            }
            if (!File.Exists(sidecar))
            {
                observer.Info($"training {slot} on {pooled.Count} rows ({pooled.PositiveCount} up) ...");
                var model = TreeTrainer.Train(slot, pooled, options);
                model.Save(dir);
            }
            var predictor = OnnxTreePredictor.Open(sidecar);
            serving.Serve(predictor);
            observer.Info($"serving {slot} {predictor.Version} through ONNX Runtime");
        }

        var forecastOptions = ForecastBootstrap.TrainingFor(settings.Seed);
        var forecasters = new List<ForecastRegistration>();
        var trainedFrom = data.Bars.Min(b => b.Time);
        foreach (var slot in ModelSlots.Forecasters.Where(slots.Contains))
        {
            var key = ForecastBootstrap.ArtifactKey(slot, closes.Values.ToArray(), trainedTo, forecastOptions);
            if (deleted.Contains((slot, key)) && !ForecastBootstrap.IsStored(Path.Combine(settings.StateDirectory, "models", slot, key)))
            {
                observer.Info(Deleted(slot, key));
                continue;
            }
            var (predictor, directory) = ForecastBootstrap.Prepare(slot, closes.Values.ToArray(), trainedTo, settings.StateDirectory, forecastOptions, observer);
            serving.Serve(predictor);
            forecasters.Add(new ForecastRegistration(slot, predictor.Version, directory, predictor.Manifest, trainedFrom, trainedTo));
        }
        return new TradingPlan(tradeFrom, tradeFrom.Values.Max()) { Forecasters = forecasters };
    }

    private static string Deleted(string slot, string artifact) =>
        $"{slot}: the first version's artifact {artifact} was deleted by an approved cleanup; not trained again, the registry serves the slot's champion";

    /// <summary>Where a trained version's sidecar lives in the state directory (its .onnx file beside it).</summary>
    public static string SidecarPath(string stateDirectory, string slot, string version) =>
        Path.Combine(stateDirectory, "models", slot, TreeModelArtifact.SidecarFileName(version));
    /// <summary>"all" or a comma list of slots, checked against <see cref="ModelSlots.All"/>.</summary>
    public static IReadOnlySet<string> Slots(IReadOnlyList<string> models)
    {
        var names = models.SelectMany(m => m.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(m => m.ToLowerInvariant()).ToArray();
        if (names.Length == 0) throw new Cli.UsageException($"--models names no model; use 'all' or a comma list of {string.Join(", ", ModelSlots.All)}");
        var slots = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (name == "all") slots.UnionWith(ModelSlots.All);
            else if (ModelSlots.All.Contains(name)) slots.Add(name);
            else throw new Cli.UsageException($"--models: unknown model '{name}'; use 'all' or a comma list of {string.Join(", ", ModelSlots.All)}");
        }
        return slots;
    }

    /// <summary>Rows of all symbols in time order, so a chronological validation split holds the latest rows of every symbol.</summary>
    public static TreeTrainingSet Pool(IReadOnlyList<TreeTrainingSet> sets)
    {
        var rows = sets.SelectMany(s => s.X.Select((x, i) => (X: x, Y: s.Y[i], T: s.Times![i], W: s.Weights?[i] ?? 1f)))
            .OrderBy(r => r.T).ToArray();
        return new TreeTrainingSet(sets[0].Set, rows.Select(r => r.X).ToArray(), rows.Select(r => r.Y).ToArray(), rows.Select(r => r.T).ToArray(),
            sets.Any(s => s.Weights is not null) ? rows.Select(r => r.W).ToArray() : null);
    }
}
