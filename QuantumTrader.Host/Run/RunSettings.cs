using QuantumTrader.Actors.Alerts;
using QuantumTrader.Models;
using QuantumTrader.Models.Audit;
using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Learning;
using QuantumTrader.Models.Market;
using QuantumTrader.Models.Risk;

namespace QuantumTrader.Host.Run;

/// <summary>Options of the run verb, after parsing.</summary>
public sealed record RunSettings
{
    public required IReadOnlyList<string> Data { get; init; }
    public DataFormat Format { get; init; } = DataFormat.Auto;
    public string StateDirectory { get; init; } = "state";
    public BadRowPolicy OnBadRow { get; init; } = BadRowPolicy.Skip;
    public int Seed { get; init; } = 42;
    public string? SummaryJson { get; init; }
    public string? TradesOut { get; init; }

    /// <summary>The first part of each symbol's bars trains the tree models; trading starts after it (no look-ahead).</summary>
    public double TrainFraction { get; init; } = 0.3;

    public double FeeBps { get; init; } = 10;
    public double SlippageBps { get; init; } = 5;
    public double StartingEquity { get; init; } = 10_000;
    public int SnapshotEvery { get; init; } = 500;

    /// <summary>The most timestamps the replay sends the symbols in one batch; 1 decides one timestamp at a time. The trades do not depend on it.</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>The model slots to serve: "all" or slot names (see <see cref="ModelBootstrap.Slots"/>).</summary>
    public IReadOnlyList<string> Models { get; init; } = ["all"];
    /// <summary>The fixed-fraction sizer, or PPO sizing (in shadow mode unless <see cref="SizingShadow"/> is false).</summary>
    public SizingMode Sizing { get; init; } = SizingMode.Fixed;
    public bool SizingShadow { get; init; } = true;
    public int SizingUpdateEvery { get; init; } = 100;

    /// <summary>Seed 003's signal quality filter: its thresholds, or off.</summary>
    public SignalFilterOptions SignalFilter { get; init; } = new();

    /// <summary>Seed 003's emergency stop: its thresholds, recovery damping, and whether it recovers by itself.</summary>
    public EssOptions Ess { get; init; } = EssOptions.Default;

    /// <summary>
    /// Continuous retraining of every trained slot behind a shadow test and the promotion gate; null: the trained versions serve
    /// throughout. The run and node verbs retrain weekly unless told otherwise (--retrain-every 0).
    /// </summary>
    public RetrainSettings? Retrain { get; init; }

    /// <summary>
    /// A replay's repetition of the operator's emergency-stop triggers and resets that reached the start it runs again
    /// (<see cref="Models.Audit.ReplayPlan"/>), in journal order: each is given to the account before the first bar after
    /// its time, and those at or after the data's last bar once the run has finished its bars.
    /// </summary>
    public IReadOnlyList<EssOperatorAction> EssActions { get; init; } = [];

    /// <summary>
    /// A replay's repetition of the operators' limit changes, retraining requests and registry commands given after the start it runs again
    /// (<see cref="Models.Audit.OperatorCommand"/>), with their journaled times, once its bars are done.
    /// </summary>
    public IReadOnlyList<IDomainEvent> OperatorCommands { get; init; } = [];

    /// <summary>A replay of one recorded start: each symbol's last bar that start read; later bars are left out. Null: every bar.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset>? DataUntil { get; init; }

    /// <summary>Where the ops API and dashboard listen while the node runs (the node verb); null: not served.</summary>
    public string? OpsUrl { get; init; }

    /// <summary>The ops API's access file (<see cref="Models.Audit.OperatorAccess"/>); null: no tokens, loopback only.</summary>
    public string? OpsAccess { get; init; }

    /// <summary>The ops API's certificate and private key (PEM) for an https address; null: plain http.</summary>
    public string? OpsTlsCertificate { get; init; }
    public string? OpsTlsKey { get; init; }

    /// <summary>The node's alert webhooks, each with the least severity it is sent; none: its alerts are shown by the API and the dashboard only.</summary>
    public IReadOnlyList<AlertRoute> AlertRoutes { get; init; } = [];

    /// <summary>
    /// The node's follow mode: after the replay it checks the data every <see cref="FollowEvery"/>, and when complete rows
    /// were appended it stops and resumes from the journal with them; null: it serves what it replayed until stopped.
    /// </summary>
    public TimeSpan? FollowEvery { get; init; }

    /// <summary>
    /// How long a following node waits for new rows before it journals that its data went quiet (an alert); null: three
    /// of the data's usual bar intervals.
    /// </summary>
    public TimeSpan? StaleAfter { get; init; }
}
