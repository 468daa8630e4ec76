using System.Text.Json;
using Akka.Actor;
using QuantumTrader.Actors.Protocol;
using QuantumTrader.Actors.Sizing;
using QuantumTrader.Host.Cli;
using QuantumTrader.Models.Learning.Ppo;
using QuantumTrader.Tests.Learning.Ppo;
using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Ops;

/// <summary>
/// Seed 001's view of the PPO sizing agent, from a real node that learns its sizing in shadow mode: the console and the
/// dashboard show the policy updates the learner journaled, with their mean rewards and the trend; a node with fixed
/// sizing says it learns none.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class OpsSizingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static async Task<JsonElement> Sizing(ServedNode served)
    {
        var file = served.Dir.File($"sizing-{Guid.NewGuid():N}.json");
        Assert.Equal(0, await QtCli.RunAsync(["ctl", "sizing", "--node", served.Api.Url, "--json", file]));
        return JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement.Clone();
    }

    [Fact]
    public async Task The_console_and_the_dashboard_show_each_policy_update_with_its_mean_reward_and_the_reward_trend()
    {
        await using var served = await ServedNode.StartAsync(services: basic =>
        {
            var sizing = new PpoSizing(basic.Rules.Execution, new SizingLimits(), 10_000, shadow: true, 7);
            return basic with { Sizing = sizing, SizingLearning = new SizingLearning(sizing, UpdateEvery: 4) };
        });
        var learner = served.Node.Registry.Get<SizingLearnerSingleton>();
        var trades = PpoSizingSamples.Trades(PpoSizingSamples.Served(shadow: true), 9);
        Assert.Equal(2, (await learner.Ask<SizingOutcomesAck>(new RecordSizingOutcomes(trades), Timeout)).PolicyVersion);
        var status = await learner.Ask<SizingLearnerStatus>(GetSizingLearnerStatus.Instance, Timeout);

        var view = await Sizing(served);

        Assert.Equal((true, true, 2, 9, 1, 4, 9), (view.GetProperty("learning").GetBoolean(), view.GetProperty("shadow").GetBoolean(),
            view.GetProperty("policyVersion").GetInt32(), view.GetProperty("experiences").GetInt32(), view.GetProperty("pending").GetInt32(),
            view.GetProperty("updateEvery").GetInt32(), view.GetProperty("tradesRecorded").GetInt32()));
        Assert.Equal(status.History.Select(h => h.MeanReward), view.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("meanReward").GetDouble()));
        var trend = RewardTrend.Of(status.History);
        Assert.Equal((2, trend.Summary), (view.GetProperty("trend").GetProperty("updates").GetInt32(), view.GetProperty("trend").GetProperty("summary").GetString()));
        Assert.Equal(status.History[1].MeanReward - status.History[0].MeanReward, view.GetProperty("trend").GetProperty("slopePerUpdate").GetDouble(), 12);

        var page = await DashboardBrowserTests.RenderedPage(served.Api.Url);
        Assert.Contains("Policy version 2 (shadow: recorded with each trade, the orders keep the fixed size); 2 updates, 9 experiences from 9 closed trades, 1 waiting", page);
        Assert.Contains($"Reward trend: {trend.Summary}.", page);
    }

    [Fact]
    public async Task A_node_with_fixed_sizing_says_it_learns_no_sizing_policy()
    {
        await using var served = await ServedNode.StartAsync();

        var view = await Sizing(served);

        Assert.False(view.GetProperty("learning").GetBoolean());
        Assert.Equal(0, view.GetProperty("trend").GetProperty("updates").GetInt32());
        Assert.Contains("This node sizes with the fixed fraction and learns no sizing policy", await DashboardBrowserTests.RenderedPage(served.Api.Url));
    }
}
