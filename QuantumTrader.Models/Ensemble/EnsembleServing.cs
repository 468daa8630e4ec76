using System.Diagnostics;
using System.Globalization;

namespace QuantumTrader.Models.Ensemble;

/// <summary>Failures of one model slot since the node started.</summary>
public sealed record PredictorHealth(string ModelId, string Version, long Calls, long Failures, long Timeouts, string? LastError);

/// <summary>
/// What a node saw its serving do between two looks: the slot failed <paramref name="Failures"/> times and overran its
/// budget <paramref name="Timeouts"/> times (each vote a fallback HOLD), the last at market time <paramref name="Time"/>
/// with <paramref name="LastError"/>. Journaled by the node's alert feed so that a failing model is an alert like any decision.
/// </summary>
public sealed record ServingFailuresObserved(string ModelId, string Version, long Failures, long Timeouts, string LastError, DateTimeOffset Time) : IDomainEvent;

/// <summary>
/// The models and weights a node serves right now. Slots and weights swap atomically, so a promotion or a new weight set
/// is used by the very next decision without a restart. A model that throws or overruns its time budget votes HOLD
/// with confidence 0; the failure is counted and reported, never allowed to stop the cascade.
/// </summary>
public sealed class EnsembleServing
{
    private sealed class Slot(IPredictor predictor)
    {
        public IPredictor Predictor { get; } = predictor;
        public long Calls;
        public long Failures;
        public long Timeouts;
        public string? LastError;
        public DateTimeOffset? LastErrorAt;
        public long FailuresUntaken;
        public long TimeoutsUntaken;
    }

    private readonly object _swap = new();
    private readonly Action<string> _log;
    private volatile IReadOnlyList<Slot> _slots = [];
    private volatile EnsembleWeights _weights;

    /// <param name="timeout">A prediction slower than this counts as a timeout and votes HOLD; generous by default,
    /// because a replay is only reproducible while no call runs near the limit.</param>
    public EnsembleServing(EnsembleWeights weights, TimeSpan timeout, Action<string> log)
    {
        if (!weights.TryValidate(out var error)) throw new ArgumentException(error, nameof(weights));
        _weights = weights;
        Timeout = timeout;
        _log = log;
    }

    public TimeSpan Timeout { get; }

    public EnsembleWeights Weights => _weights;

    public IReadOnlyList<string> ModelIds => _slots.Select(s => s.Predictor.ModelId).ToArray();

    public IPredictor? PredictorOf(string modelId) => _slots.FirstOrDefault(s => s.Predictor.ModelId == modelId)?.Predictor;

    /// <summary>
    /// What each slot serves, as text to compare: its version and, during an A/B test, the challenger and its share. A
    /// split reports its champion's version, so the version alone would not show a test starting or ending.
    /// </summary>
    public string ServedVersions() => string.Join(", ", _slots.Select(s => s.Predictor switch
    {
        SplitPredictor split => string.Create(CultureInfo.InvariantCulture,
            $"{split.ModelId} {split.Champion.Version} A/B {split.Challenger.Version} {split.Share:R}"),
        var p => $"{p.ModelId} {p.Version}",
    }));

    /// <summary>Serves <paramref name="predictor"/> in its slot, replacing what served there before; the slot's counts go on.</summary>
    public void Serve(IPredictor predictor)
    {
        lock (_swap)
        {
            var slot = new Slot(predictor);
            if (_slots.FirstOrDefault(s => s.Predictor.ModelId == predictor.ModelId) is { } replaced)
            {
                slot.Calls = Interlocked.Read(ref replaced.Calls);
                slot.Failures = Interlocked.Read(ref replaced.Failures);
                slot.Timeouts = Interlocked.Read(ref replaced.Timeouts);
                slot.LastError = replaced.LastError;
                slot.LastErrorAt = replaced.LastErrorAt;
                slot.FailuresUntaken = Interlocked.Read(ref replaced.FailuresUntaken);
                slot.TimeoutsUntaken = Interlocked.Read(ref replaced.TimeoutsUntaken);
            }
            var next = _slots.Where(s => s.Predictor.ModelId != predictor.ModelId).Append(slot)
                .OrderBy(s => IndexOfSlot(s.Predictor.ModelId)).ThenBy(s => s.Predictor.ModelId, StringComparer.Ordinal).ToArray();
            _slots = next;
        }
    }

    /// <summary>Takes a new weight set unless it is invalid; an invalid set is refused and the last good one stays.</summary>
    public bool TrySetWeights(EnsembleWeights weights, out string error)
    {
        if (!weights.TryValidate(out error)) return false;
        _weights = weights;
        return true;
    }

    public IReadOnlyList<Prediction> PredictAll(ModelInput input)
    {
        var slots = _slots;
        var result = new Prediction[slots.Count];
        for (var i = 0; i < slots.Count; i++) result[i] = PredictGuarded(slots[i], input);
        return result;
    }

    /// <summary>
    /// <see cref="PredictAll"/> for several inputs at once (e.g. every symbol at one bar close): each model scores all of them in one call
    /// (<see cref="IPredictor.PredictBatch"/>); result[i] holds input i's predictions in slot order. A batch over the time budget votes HOLD for
    /// every input; a batch that throws or answers wrongly is scored again input by input, so only a bad input votes HOLD.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Prediction>> PredictAll(IReadOnlyList<ModelInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var slots = _slots;
        var result = new Prediction[inputs.Count][];
        for (var i = 0; i < result.Length; i++) result[i] = new Prediction[slots.Count];
        for (var s = 0; s < slots.Count; s++)
        {
            var batch = PredictGuarded(slots[s], inputs);
            for (var i = 0; i < result.Length; i++) result[i][s] = batch[i];
        }
        return result;
    }

    /// <summary>The model's effective share of the vote: its weight renormalised over the models served (0 when none has weight).</summary>
    public double EffectiveWeightOf(string modelId)
    {
        var weights = _weights;
        var ids = ModelIds;
        var served = ids.Sum(weights.WeightOf);
        return served > 0 && ids.Contains(modelId) ? weights.WeightOf(modelId) / served : 0;
    }

    public IReadOnlyList<PredictorHealth> Health() =>
        _slots.Select(s => new PredictorHealth(s.Predictor.ModelId, s.Predictor.Version,
            Interlocked.Read(ref s.Calls), Interlocked.Read(ref s.Failures), Interlocked.Read(ref s.Timeouts), s.LastError)).ToArray();

    /// <summary>
    /// Each slot's failures and timeouts since the last call (the first: since serving started), at most one observation
    /// per slot; <paramref name="now"/> dates one whose failure has no market time.
    /// </summary>
    public IReadOnlyList<ServingFailuresObserved> TakeFailures(DateTimeOffset now)
    {
        var observed = new List<ServingFailuresObserved>();
        foreach (var s in _slots)
        {
            var failures = Interlocked.Exchange(ref s.FailuresUntaken, 0);
            var timeouts = Interlocked.Exchange(ref s.TimeoutsUntaken, 0);
            if (failures + timeouts > 0)
                observed.Add(new ServingFailuresObserved(s.Predictor.ModelId, s.Predictor.Version, failures, timeouts, s.LastError ?? "", s.LastErrorAt ?? now));
        }
        return observed;
    }

    private Prediction PredictGuarded(Slot slot, ModelInput input)
    {
        var id = slot.Predictor.ModelId;
        Interlocked.Increment(ref slot.Calls);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var prediction = slot.Predictor.Predict(input);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > Timeout)
            {
                Interlocked.Increment(ref slot.Timeouts);
                Interlocked.Increment(ref slot.TimeoutsUntaken);
                slot.LastError = $"took {elapsed.TotalMilliseconds:F1} ms, budget {Timeout.TotalMilliseconds:F0} ms";
                slot.LastErrorAt = input.Features.Time;
                _log($"model {id} timed out on {input.Symbol} at {input.Features.Time:O}: {slot.LastError}; voting HOLD");
                return Prediction.FallbackHold(id, $"timed out: {slot.LastError}");
            }
            if (!double.IsFinite(prediction.Confidence) || prediction.Confidence is < 0 or > 1)
                throw new InvalidOperationException($"confidence {prediction.Confidence} outside [0, 1]");
            return prediction with { ModelId = id, Fallback = null };
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref slot.Failures);
            Interlocked.Increment(ref slot.FailuresUntaken);
            slot.LastError = ex.Message;
            slot.LastErrorAt = input.Features.Time;
            _log($"model {id} failed on {input.Symbol} at {input.Features.Time:O}: {ex.Message}; voting HOLD");
            return Prediction.FallbackHold(id, $"failed: {ex.Message}");
        }
    }

    private IReadOnlyList<Prediction> PredictGuarded(Slot slot, IReadOnlyList<ModelInput> inputs)
    {
        var id = slot.Predictor.ModelId;
        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<Prediction> predictions;
        try
        {
            predictions = slot.Predictor.PredictBatch(inputs);
            if (predictions.Count != inputs.Count)
                throw new InvalidOperationException($"answered {predictions.Count} predictions for {inputs.Count} inputs");
            foreach (var p in predictions)
                if (!double.IsFinite(p.Confidence) || p.Confidence is < 0 or > 1)
                    throw new InvalidOperationException($"confidence {p.Confidence} outside [0, 1]");
        }
        catch (Exception ex)
        {
            slot.LastError = $"batch of {inputs.Count}: {ex.Message}";
            _log($"model {id} failed on a batch of {inputs.Count} inputs: {ex.Message}; scoring them one at a time");
            return inputs.Select(input => PredictGuarded(slot, input)).ToArray();
        }
        Interlocked.Add(ref slot.Calls, inputs.Count);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed > Timeout)
        {
            Interlocked.Add(ref slot.Timeouts, inputs.Count);
            Interlocked.Add(ref slot.TimeoutsUntaken, inputs.Count);
            slot.LastError = $"a batch of {inputs.Count} took {elapsed.TotalMilliseconds:F1} ms, budget {Timeout.TotalMilliseconds:F0} ms";
            slot.LastErrorAt = inputs.Max(i => i.Features.Time);
            _log($"model {id} timed out: {slot.LastError}; voting HOLD for {string.Join(", ", inputs.Select(i => i.Symbol))}");
            return inputs.Select(_ => Prediction.FallbackHold(id, $"timed out: {slot.LastError}")).ToArray();
        }
        return predictions.Select(p => p with { ModelId = id, Fallback = null }).ToArray();
    }

    private static int IndexOfSlot(string modelId)
    {
        var i = ModelSlots.All.ToList().IndexOf(modelId);
        return i < 0 ? int.MaxValue : i;
    }
}
