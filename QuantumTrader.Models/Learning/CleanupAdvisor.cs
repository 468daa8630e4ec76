using System.Globalization;

namespace QuantumTrader.Models.Learning;

/// <summary>
/// Seed 002's cleanup rules. Versions are ranked by the metric <see cref="ScoreMetric"/> (higher is better); a version
/// without it is never in the top nor the bottom. Two versions are near-duplicates when they share at least one metric
/// and every shared metric differs by at most <see cref="DuplicateTolerance"/> × max(1, |a|, |b|).
/// </summary>
public sealed record CleanupPolicy(
    int KeepTop = 3,
    int KeepLast = 5,
    double MaxAgeDays = 30,
    double BottomFraction = 0.20,
    string ScoreMetric = "sharpe",
    double DuplicateTolerance = 0.02);

/// <summary>A version proposed for deletion, why, and the disk space its artifact would free.</summary>
public sealed record CleanupRecommendation(string Slot, string Version, IReadOnlyList<string> Reasons, long BytesFreed);

/// <summary>A version the rules protect, and which rules.</summary>
public sealed record KeptVersion(string Slot, string Version, IReadOnlyList<string> Reasons);

public sealed record CleanupReport(IReadOnlyList<CleanupRecommendation> Candidates, IReadOnlyList<KeptVersion> Kept)
{
    public long TotalBytesFreed => Candidates.Sum(c => c.BytesFreed);
}

/// <summary>
/// Recommends versions to delete, slot by slot, never deleting anything itself: deletion takes an
/// <see cref="ApproveCleanup"/> then a <see cref="DeleteVersion"/> on the registry. Kept: the champion, challengers under
/// test, versions marked important, the top by score and the most recent. Proposed among the rest: older than the maximum
/// age, in the bottom fraction by score, or a near-duplicate of a newer version that stays.
/// </summary>
public static class CleanupAdvisor
{
    public static CleanupReport Recommend(ModelRegistryState registry, DateTimeOffset now, CleanupPolicy? policy = null)
    {
        var p = policy ?? new CleanupPolicy();
        var candidates = new List<CleanupRecommendation>();
        var kept = new List<KeptVersion>();
        foreach (var slot in registry.Versions.Select(v => v.Slot).Distinct())
        {
            var live = registry.VersionsOf(slot).Where(v => !v.Deleted).ToArray();
            var scored = live.Where(v => Score(v, p) is not null).ToArray();
            var top = scored.OrderByDescending(v => Score(v, p)).ThenByDescending(v => Array.IndexOf(live, v)).Take(p.KeepTop).ToHashSet();
            var bottom = scored.OrderBy(v => Score(v, p)).ThenBy(v => Array.IndexOf(live, v))
                .Take((int)Math.Floor(scored.Length * p.BottomFraction)).ToHashSet();
            var recent = live.TakeLast(p.KeepLast).ToHashSet();

            var survivors = new List<ModelVersionRecord>();
            var slotCandidates = new List<CleanupRecommendation>();
            foreach (var v in live.Reverse())
            {
                var keep = new List<string>();
                if (v.Status == ModelVersionStatus.Champion) keep.Add("champion");
                if (v.Status == ModelVersionStatus.Challenger) keep.Add("challenger under test");
                if (v.Important) keep.Add("marked important");
                if (top.Contains(v)) keep.Add($"top {p.KeepTop} by {p.ScoreMetric}");
                if (recent.Contains(v)) keep.Add($"one of the last {p.KeepLast}");
                if (keep.Count > 0)
                {
                    kept.Add(new KeptVersion(slot, v.Version, keep));
                    survivors.Add(v);
                    continue;
                }

                var reasons = new List<string>();
                var age = (now - v.CreatedAt).TotalDays;
                if (age > p.MaxAgeDays) reasons.Add(Text($"older than {p.MaxAgeDays} days ({age:0} days)"));
                if (bottom.Contains(v)) reasons.Add(Text($"bottom {p.BottomFraction * 100:0.#}% by {p.ScoreMetric} ({Score(v, p):0.####})"));
                if (survivors.FirstOrDefault(s => NearDuplicate(v, s, p.DuplicateTolerance)) is { } twin)
                    reasons.Add(Text($"near-duplicate of newer {twin.Version} (metrics within {p.DuplicateTolerance * 100:0.#}%)"));
                if (reasons.Count == 0) survivors.Add(v);
                else slotCandidates.Add(new CleanupRecommendation(slot, v.Version, reasons, v.SizeBytes));
            }

            slotCandidates.Reverse();
            candidates.AddRange(slotCandidates);
        }

        return new CleanupReport(candidates, kept);
    }

    private static double? Score(ModelVersionRecord v, CleanupPolicy p) =>
        v.Metrics.TryGetValue(p.ScoreMetric, out var s) && double.IsFinite(s) ? s : null;

    private static bool NearDuplicate(ModelVersionRecord a, ModelVersionRecord b, double tolerance)
    {
        var shared = a.Metrics.Keys.Where(b.Metrics.ContainsKey).ToArray();
        return shared.Length > 0 && shared.All(k =>
        {
            double x = a.Metrics[k], y = b.Metrics[k];
            return Math.Abs(x - y) <= tolerance * Math.Max(1.0, Math.Max(Math.Abs(x), Math.Abs(y)));
        });
    }

    private static string Text(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
