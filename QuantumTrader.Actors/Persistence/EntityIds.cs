namespace QuantumTrader.Actors.Persistence;

/// <summary>Persistence ids carry the entity type so one journal holds every kind of entity without collisions.</summary>
public static class EntityIds
{
    public const string SymbolType = "symbol";
    public const string ModelType = "model";
    public const string AccountType = "account";

    /// <summary>About ten shards per expected node; changing it requires a full cluster restart.</summary>
    public const int ShardCount = 30;

    public static string Symbol(string symbol) => $"symbol-{symbol}";
    public static string ModelPerformance(string modelId) => $"model-perf-{modelId}";
    public static string Account(string accountId) => $"account-{accountId}";
    public const string TradeFeed = "projection-trade-feed";
    public const string SizingLearner = "sizing-learner";
    public const string AlertFeed = "alert-feed";
}
