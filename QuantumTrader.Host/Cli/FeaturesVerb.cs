using System.CommandLine;
using QuantumTrader.Models.Features;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Host.Cli;

public static class FeaturesVerb
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data file", Required = true };
        var output = new Option<string>("--out") { Description = "CSV file to write: one row per bar, one column per feature", Required = true };
        var format = new Option<DataFormat>("--format") { DefaultValueFactory = _ => DataFormat.Auto, Description = "Data format (default: detected)" };
        var command = new Command("features", $"Write the feature table ({FeatureCalculator.Version}) of a data file") { data, output, format };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(data)!;
            var bars = new List<Bar>();
            var rejected = 0;
            foreach (var record in MarketDataReader.Read(path, parse.GetValue(format)))
            {
                if (record is BarRecord b) bars.Add(b.Bar);
                else if (record is BadRowRecord bad)
                {
                    rejected++;
                    Console.Error.WriteLine($"rejected row: {bad.Row}");
                }
            }
            var outPath = parse.GetValue(output)!;
            var dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            using (var w = new StreamWriter(outPath)) FeatureTable.Write(w, bars);
            Console.WriteLine($"wrote {bars.Count} rows x {FeatureCalculator.Set.Names.Count} features to {outPath} ({rejected} row(s) rejected)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
