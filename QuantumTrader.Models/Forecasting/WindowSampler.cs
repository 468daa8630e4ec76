namespace QuantumTrader.Models.Forecasting;

/// <summary>
/// Draws training windows by index from a population of <c>population</c> windows: distinct within one draw when the population holds enough
/// of them, with replacement otherwise (neuralforecast's sampling of <c>windows_batch_size</c> windows per step). Every draw is independent of the
/// previous ones, so an index can come back in the next step.
/// </summary>
public sealed class WindowSampler
{
    private readonly int[] _pool;
    private readonly Random _random;

    public WindowSampler(int population, Random random)
    {
        if (population < 1) throw new ArgumentException($"window sampler: the population must hold at least one window, got {population}");
        _pool = Enumerable.Range(0, population).ToArray();
        _random = random;
    }

    public int[] Draw(int count)
    {
        if (count < 1) throw new ArgumentException($"window sampler: draw at least one window, got {count}");
        var picked = new int[count];
        if (count > _pool.Length)
        {
            for (var i = 0; i < count; i++) picked[i] = _random.Next(_pool.Length);
            return picked;
        }
        // a partial Fisher-Yates shuffle: the first count entries become a uniform sample without replacement; the pool stays a permutation
        for (var i = 0; i < count; i++)
        {
            var j = _random.Next(i, _pool.Length);
            (_pool[i], _pool[j]) = (_pool[j], _pool[i]);
            picked[i] = _pool[i];
        }
        return picked;
    }
}
