using QuantumTrader.Models.Ensemble;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Forecasting;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class PredictorTests
{
    private static readonly FeatureSet Features = new("test", ["x"]);
    private static readonly CloseTrainingOptions Small = new(Lookback: 24, Horizon: 6, Training: ForecasterTrainer.TradingTraining with { Epochs = 10 });

    private static ModelInput Input(IReadOnlyList<double> closes) =>
        new("BTCUSDT", new FeatureVector(Features, DateTimeOffset.UnixEpoch, [0.0], true), closes);

    [Fact]
    public void Nhits_votes_buy_on_a_rising_series_and_sell_on_a_falling_one()
    {
        var rising = SyntheticSeries.Closes(500, 0.003, 0.002, 12);
        var falling = SyntheticSeries.Closes(500, -0.003, 0.002, 12);
        using var up = new NhitsPredictor(ForecasterTrainer.TrainOnCloses(rising, ModelSlots.Nhits, Small));
        using var down = new NhitsPredictor(ForecasterTrainer.TrainOnCloses(falling, ModelSlots.Nhits, Small));

        var buy = up.Predict(Input(rising));
        Assert.Equal(new Prediction(ModelSlots.Nhits, TradeAction.Buy, buy.Confidence), buy);
        Assert.True(buy.Confidence > 0.9, $"confidence {buy.Confidence}");
        var sell = down.Predict(Input(falling));
        Assert.Equal(TradeAction.Sell, sell.Action);
        Assert.True(sell.Confidence > 0.9, $"confidence {sell.Confidence}");
    }

    [Fact]
    public void PatchTst_follows_the_cycle_of_returns()
    {
        // returns 0.01 * sin(2 pi t / 24): a model that learned the cycle expects gains right after the returns turn positive
        var closes = SyntheticSeries.Closes(800, 0.0, 0.01, 24);
        using var p = new PatchTstPredictor(ForecasterTrainer.TrainOnCloses(closes, ModelSlots.PatchTst, Small));
        Assert.Equal(ModelSlots.PatchTst, p.ModelId);
        Assert.StartsWith("patchtst-", p.Version);

        // closes[0..=t] end with return r_t; the next 6 returns are r_{t+1..t+6}
        var beforeGains = p.Assess(Input(closes[..769]));   // t = 768, 32 whole periods: r_769 .. r_774 are positive
        var beforeLosses = p.Assess(Input(closes[..781]));  // t = 780, half a period later: r_781 .. r_786 are negative
        Assert.Equal(TradeAction.Buy, beforeGains.Action);
        Assert.True(beforeGains.CumulativeReturn > 0.02, $"forecast {beforeGains.CumulativeReturn}");
        Assert.Equal(TradeAction.Sell, beforeLosses.Action);
        Assert.True(beforeLosses.CumulativeReturn < -0.02, $"forecast {beforeLosses.CumulativeReturn}");
    }

    [Fact]
    public void Too_few_closes_or_a_bad_close_give_hold_with_no_confidence()
    {
        var closes = SyntheticSeries.Closes(300, 0.003, 0.002, 12);
        using var p = new NhitsPredictor(ForecasterTrainer.TrainOnCloses(closes, ModelSlots.Nhits, Small));
        Assert.Equal(25, p.RequiredCloses);
        Assert.Equal(new Prediction(ModelSlots.Nhits, TradeAction.Hold, 0), p.Predict(Input(closes[..24])));
        Assert.Equal(new Prediction(ModelSlots.Nhits, TradeAction.Hold, 0), p.Predict(Input([])));
        var broken = closes[..100];
        broken[90] = double.NaN;
        Assert.Equal(new Prediction(ModelSlots.Nhits, TradeAction.Hold, 0), p.Predict(Input(broken)));
        // the bad close is older than the window the model reads, so it does not matter
        broken[50] = double.NaN;
        broken[90] = broken[89];
        Assert.Equal(TradeAction.Buy, p.Predict(Input(broken)).Action);
    }

    [Fact]
    public void A_batch_is_forecast_in_one_pass_and_decides_as_each_input_alone()
    {
        var rising = SyntheticSeries.Closes(500, 0.003, 0.002, 12);
        var falling = SyntheticSeries.Closes(500, -0.003, 0.002, 12);
        using var p = new NhitsPredictor(ForecasterTrainer.TrainOnPooledCloses([rising, falling], ModelSlots.Nhits, Small));
        ModelInput[] inputs = [Input(rising), Input(falling[..24]), Input(falling), Input(rising[..300])];
        var batch = p.Assess(inputs);
        Assert.Equal(inputs.Length, batch.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            var alone = p.Assess(inputs[i]);
            Assert.Equal(alone.Action, batch[i].Action);
            Assert.Equal(alone.Confidence, batch[i].Confidence, 1e-5);
            Assert.Equal(alone.CumulativeReturn, batch[i].CumulativeReturn, 1e-6);
        }
        Assert.Equal(ForecastDecision.NoSignal, batch[1]);
        Assert.Equal(TradeAction.Buy, batch[0].Action);
        Assert.Equal(TradeAction.Sell, batch[2].Action);
        Assert.Equal(batch.Select(d => d.Action), p.PredictBatch(inputs).Select(x => x.Action));
    }

    [Fact]
    public void A_predictor_refuses_a_forecaster_of_another_slot()
    {
        using var f = ForecasterTrainer.TrainOnCloses(SyntheticSeries.Closes(300, 0.0, 0.01, 24), ModelSlots.Nhits,
            Small with { Training = Small.Training! with { Epochs = 1 } });
        var ex = Assert.Throws<ArgumentException>(() => new PatchTstPredictor(f));
        Assert.Contains("a patchtst predictor cannot serve a nhits forecaster", ex.Message);
    }
}
