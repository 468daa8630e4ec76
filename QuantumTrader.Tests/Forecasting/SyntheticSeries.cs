using QuantumTrader.Models.Forecasting;

namespace QuantumTrader.Tests.Forecasting;

internal static class SyntheticSeries
{
    /// <summary>Channel c is sin(2 pi t / period + c).</summary>
    public static ChannelSeries Sines(int rows, int channels, double period)
    {
        var v = new float[rows * channels];
        for (var t = 0; t < rows; t++)
            for (var c = 0; c < channels; c++) v[t * channels + c] = (float)Math.Sin(2 * Math.PI * t / period + c);
        return new ChannelSeries(Enumerable.Range(0, channels).Select(c => $"s{c}").ToArray(), v);
    }

    /// <summary>Closes whose log returns are drift + amplitude * sin(2 pi t / period), starting at 100.</summary>
    public static double[] Closes(int count, double drift, double amplitude, double period)
    {
        var closes = new double[count];
        closes[0] = 100;
        for (var t = 1; t < count; t++) closes[t] = closes[t - 1] * Math.Exp(drift + amplitude * Math.Sin(2 * Math.PI * t / period));
        return closes;
    }

    public static string TempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "qt-forecast-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
