using System.CommandLine;
using System.Globalization;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Market;
using Spectre.Console;

namespace QuantumTrader.Host.Cli;

/// <summary>
/// Seed 004's symbol tracking of a state directory: every model's vote in the journal's decision records, scored against
/// the run's data (did the close rise over the label horizon, as the models learned), by symbol, regime and both.
/// </summary>
public static class AccuracyVerb
{
    public const int DefaultMinCalls = 10;
    public const int DefaultWeakest = 3;

    public static Command Create()
    {
        var state = new Option<string>("--state") { DefaultValueFactory = _ => "state", Description = "State directory of a run or node (holds journal.db and run.json)" };
        var (minCalls, weakest) = GroupOptions();
        var everyBar = EveryBarOption();
        var json = new Option<string?>("--json") { Description = "Write the accuracy as one JSON object to this file" };
        var command = new Command("accuracy",
            "Each model's directional accuracy at the bars the journal holds decisions for (or, with --every-bar, at every traded bar), by symbol, regime and both, each symbol's best regime and the weakest groups")
            { state, minCalls, weakest, everyBar, json };
        command.SetAction(async (parse, cancel) =>
        {
            var dir = parse.GetValue(state)!;
            var (calls, shown) = GroupSettings(parse, minCalls, weakest);
            if (parse.GetValue(everyBar))
            {
                var all = await AuditVerb.ReadJournalAsync(dir, system => ComputeEveryBarAsync(system, dir, calls, shown, cancel));
                Print(all);
                JsonOut.Write(parse.GetValue(json), all);
                return all.Agreement.AllSame ? ExitCodes.Ok : ExitCodes.Failure;
            }
            var view = await AuditVerb.ReadJournalAsync(dir, system => ComputeAsync(system, dir, calls, shown, cancel));
            Print(view);
            JsonOut.Write(parse.GetValue(json), view);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>--every-bar, for 'qt accuracy' and 'qt ctl accuracy'.</summary>
    public static Option<bool> EveryBarOption() => new("--every-bar")
    {
        Description = "Score every traded bar, each answered again by the artifact of the version that served it, and check those answers against the journal's votes (exit 1 when one differs)",
    };

    /// <summary>--min-calls and --weakest, for 'qt accuracy' and 'qt ctl accuracy'.</summary>
    public static (Option<int> MinCalls, Option<int> Weakest) GroupOptions() =>
    (
        new Option<int>("--min-calls") { DefaultValueFactory = _ => DefaultMinCalls, Description = "Calls a group needs to count as a best regime or a weakest group" },
        new Option<int>("--weakest") { DefaultValueFactory = _ => DefaultWeakest, Description = "Weakest symbol and regime groups shown per model" }
    );

    public static (int MinCalls, int Weakest) GroupSettings(ParseResult parse, Option<int> minCalls, Option<int> weakest)
    {
        if (parse.GetValue(minCalls) < 1) throw new UsageException($"--min-calls must be at least 1, got {parse.GetValue(minCalls)}");
        if (parse.GetValue(weakest) < 0) throw new UsageException($"--weakest must not be negative, got {parse.GetValue(weakest)}");
        return (parse.GetValue(minCalls), parse.GetValue(weakest));
    }

    /// <summary>The accuracy of the journal <paramref name="system"/> reads (a running node's, too) against the data named by the run.json of <paramref name="stateDirectory"/>.</summary>
    public static async Task<AccuracyView> ComputeAsync(ActorSystem system, string stateDirectory, int minCalls, int weakest, CancellationToken cancel)
    {
        var recorded = RecordedRun.Read(stateDirectory) ?? throw new UsageException($"'{stateDirectory}' holds no {RecordedRun.FileName} naming the run's data");
        var decisions = await JournalDecisions.ReadAsync(PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier), system.Materializer())
            .WaitAsync(cancel);
        var bars = ReplayData.Load(recorded.Data, recorded.Format, BadRowPolicy.Skip, _ => { }).Bars;
        var (votes, unscored) = PredictionAccuracy.Score(decisions, bars, ModelBootstrap.LabelHorizon);
        return new AccuracyView(Path.GetFullPath(stateDirectory), decisions.Count, unscored, ModelBootstrap.LabelHorizon, minCalls,
            PredictionAccuracy.Of(votes, minCalls, weakest));
    }

    /// <summary>
    /// Every slot's call at every traded bar of the run's data, answered again by the version that served it, scored as
    /// <see cref="ComputeAsync"/> scores the journal's votes, and those answers compared with the journal's votes at its decisions.
    /// </summary>
    public static async Task<EveryBarAccuracyView> ComputeEveryBarAsync(ActorSystem system, string stateDirectory, int minCalls, int weakest, CancellationToken cancel)
    {
        var recorded = RecordedRun.Read(stateDirectory) ?? throw new UsageException($"'{stateDirectory}' holds no {RecordedRun.FileName} naming the run's data");
        var plan = StoredPlan.Read(stateDirectory) ?? throw new UsageException($"'{stateDirectory}' holds no {StoredPlan.FileName} saying when each symbol started trading");
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var registry = await RegistryJournal.ReadAsync(journal, system.Materializer(), stateDirectory).WaitAsync(cancel);
        var decisions = await JournalDecisions.ReadAsync(journal, system.Materializer()).WaitAsync(cancel);
        var bars = ReplayData.Load(recorded.Data, recorded.Format, BadRowPolicy.Skip, _ => { }).Bars;
        var symbols = bars.GroupBy(b => b.Symbol).Where(g => plan.TradeFrom.ContainsKey(g.Key))
            .Select(g => SymbolHistory.Of(g.Key, g.ToArray(), plan.TradeFrom[g.Key])).ToArray();
        var checks = recorded.Retrain is { } retrain ? ServingTimeline.Checks(plan.TradeFrom.Values.Max(), bars[^1].Time, retrain.CheckEvery) : [];
        var (calls, unanswered) = ServedCalls.Answer(symbols, registry, new ServingTimeline(registry, checks));
        return new EveryBarAccuracyView(Path.GetFullPath(stateDirectory), calls.Count, calls.Count(c => c.Up is null), ModelBootstrap.LabelHorizon, minCalls,
            PredictionAccuracy.Of(BarCalls.Scored(calls), minCalls, weakest), unanswered, BarCalls.Compare(decisions, calls));
    }

    public static void Print(AccuracyView view)
    {
        var console = WideConsole.ForTables();
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{view.Decisions} decisions in the journal ({view.Unscored} past the data's end); a BUY is right when the close {view.LabelHorizon} bars later rose, a SELL when it did not, a HOLD is no call"));
        PrintModels(console, view.MinCalls, view.Models);
    }

    public static void Print(EveryBarAccuracyView view)
    {
        var console = WideConsole.ForTables();
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Int(view.Answers)} answers at every traded bar ({Int(view.Unscored)} past the data's end), each by the version that served the bar; a BUY is right when the close {view.LabelHorizon} bars later rose, a SELL when it did not, a HOLD is no call"));
        foreach (var u in view.Unanswered)
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"not answered again: {u.Slot}/{u.Version} at {Int(u.Bars)} bar(s): {u.Reason}"));
        var a = view.Agreement;
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"the journal's votes: {Int(a.Same)} of {Int(a.Compared)} answered the same again ({Int(a.Fallbacks)} fallback HOLDs of a failed model not compared, {Int(a.Missing)} whose version could not answer)"));
        foreach (var d in a.Differences) console.WriteLine("  differs: " + d);
        PrintModels(console, view.MinCalls, view.Models);
    }

    private static void PrintModels(IAnsiConsole console, int minCalls, IReadOnlyList<ModelAccuracy> accuracy)
    {
        var models = new Table().Title("accuracy per model").AddColumns("model", "calls", "accuracy", $"weakest symbol / regime (at least {minCalls} calls)");
        foreach (var m in accuracy)
            models.AddRow(m.ModelId, Int(m.Calls), Pct(m.Accuracy), Markup.Escape(string.Join("; ", m.Weakest.Select(w => $"{w.Group} {Pct(w.Accuracy)} of {Int(w.Calls)}"))));
        console.Write(models);
        var symbols = new Table().Title("by symbol").AddColumns("model", "symbol", "calls", "accuracy", "best regime");
        foreach (var m in accuracy)
        foreach (var s in m.BySymbol)
            symbols.AddRow(m.ModelId, Markup.Escape(s.Symbol), Int(s.Calls), Pct(s.Accuracy), Markup.Escape(s.BestRegime ?? "-"));
        console.Write(symbols);
        var regimes = new Table().Title("by regime").AddColumns("model", "regime", "calls", "accuracy");
        foreach (var m in accuracy)
        foreach (var r in m.ByRegime)
            regimes.AddRow(m.ModelId, Markup.Escape(r.Group), Int(r.Calls), Pct(r.Accuracy));
        console.Write(regimes);
    }

    private static string Int(int x) => x.ToString("N0", CultureInfo.InvariantCulture);

    private static string Pct(double x) => x.ToString("P1", CultureInfo.InvariantCulture);
}

/// <summary>What 'qt accuracy' found: the decisions read, those past the data's end, and every model's accuracy.</summary>
public sealed record AccuracyView(string State, int Decisions, int Unscored, int LabelHorizon, int MinCalls, IReadOnlyList<ModelAccuracy> Models);

/// <summary>
/// What 'qt accuracy --every-bar' found: the answers at every traded bar (those past the data's end not scored), every
/// model's accuracy over them, the versions that could not answer again, and how the answers compare with the journal's votes.
/// </summary>
public sealed record EveryBarAccuracyView(string State, int Answers, int Unscored, int LabelHorizon, int MinCalls, IReadOnlyList<ModelAccuracy> Models,
    IReadOnlyList<UnansweredVersion> Unanswered, VoteAgreement Agreement);
