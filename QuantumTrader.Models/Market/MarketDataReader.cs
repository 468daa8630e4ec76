namespace QuantumTrader.Models.Market;

/// <summary>
/// Reads market-data files into bars, lazily and in file order. Rows that fail validation come out as
/// <see cref="BadRowRecord"/>s and reading goes on; the caller decides whether to skip them or stop.
/// </summary>
public static class MarketDataReader
{
    private const int DetectChars = 64 * 1024;
    private static readonly string[] DataExtensions = [".csv", ".json", ".txt"];

    private const string KnownFormats =
        "Binance kline CSV (12 columns, first an integer open time), ninjabot CSV (7 columns, first a Unix time), " +
        "OHLCV CSV with a header (a date/time column and open, high, low, close, volume), " +
        "freqtrade JSON ([[ms, open, high, low, close, volume], ...])";

    /// <summary>Tells the format from the file's content (gzip is recognised by its magic bytes), never from its name.</summary>
    public static DataFormat Detect(string path)
    {
        RequireFile(path);
        var chars = new char[DetectChars];
        int read;
        using (var reader = MarketFile.OpenText(path))
        {
            try
            {
                read = reader.ReadBlock(chars, 0, chars.Length);
            }
            catch (Exception e) when (MarketFile.IsReadFailure(e))
            {
                throw new MarketDataException($"cannot read market data file {path}: {e.Message}", e);
            }
        }

        var text = chars.AsSpan(0, read).TrimStart();
        if (text.IsEmpty)
        {
            throw new MarketDataException($"market data file is empty: {path}");
        }

        if (text[0] == '[')
        {
            return DataFormat.FreqtradeJson;
        }

        var newline = text.IndexOf('\n');
        var line = (newline >= 0 ? text[..newline] : text).TrimEnd();
        var format = DetectCsv(line, out var problem);
        return format ?? throw new MarketDataException(
            $"unknown market data format in {path}: first line {FieldParser.Quote(line, 80)} {problem}. Known formats: {KnownFormats}.");
    }

    /// <summary>
    /// Streams the file's records. The file's existence and format are checked now; rows are read as the sequence is
    /// enumerated. <paramref name="symbol"/> defaults to <see cref="SymbolFromPath"/>.
    /// </summary>
    public static IEnumerable<MarketRecord> Read(string path, DataFormat format = DataFormat.Auto, string? symbol = null)
    {
        RequireFile(path);
        if (symbol is not null && string.IsNullOrWhiteSpace(symbol))
        {
            throw new ArgumentException("symbol must not be blank", nameof(symbol));
        }

        var resolved = format == DataFormat.Auto ? Detect(path) : format;
        var name = symbol ?? SymbolFromPath(path);
        return resolved switch
        {
            DataFormat.FreqtradeJson => FreqtradeJsonReader.Read(path, name),
            DataFormat.BinanceKline or DataFormat.OhlcvCsv or DataFormat.Ninjabot => CsvBarReader.Read(path, name, resolved),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a data format"),
        };
    }

    /// <summary>The file-name stem up to the first '-', '_' or '.', upper-cased: "BTCUSDT-1h.csv" gives "BTCUSDT".</summary>
    public static string SymbolFromPath(string path)
    {
        var name = Path.GetFileName(path);
        var end = name.AsSpan().IndexOfAny('-', '_', '.');
        var stem = end < 0 ? name : name[..end];
        if (string.IsNullOrWhiteSpace(stem))
        {
            throw new MarketDataException(
                $"cannot take a symbol from the file name '{name}': it must start with the symbol (as in BTCUSDT-1h.csv), or pass the symbol");
        }

        return stem.ToUpperInvariant();
    }

    /// <summary>
    /// Files stay as given; a folder becomes its data files (.csv, .json, .txt and their .gz), sorted by name.
    /// Each file appears once. A missing path, or a folder without data files, throws.
    /// </summary>
    public static IReadOnlyList<string> ExpandPaths(IEnumerable<string> paths)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            IEnumerable<string> files;
            if (Directory.Exists(path))
            {
                files = Directory.EnumerateFiles(path).Where(IsDataFile).Order(StringComparer.Ordinal).ToList();
                if (!files.Any())
                {
                    throw new MarketDataException($"folder {path} holds no market data files (.csv, .json, .txt, or .gz of them)");
                }
            }
            else if (File.Exists(path))
            {
                files = [path];
            }
            else
            {
                throw new MarketDataException($"market data path not found: {path}");
            }

            result.AddRange(files.Where(f => seen.Add(Path.GetFullPath(f))));
        }

        return result;
    }

    private static DataFormat? DetectCsv(ReadOnlySpan<char> line, out string problem)
    {
        if (line.StartsWith('{'))
        {
            problem = "is a JSON object (freqtrade JSON is an array of candles)";
            return null;
        }

        if (!line.Contains(','))
        {
            problem = "has no comma (only comma-separated files are read)";
            return null;
        }

        var names = CsvLayout.HeaderNames(line);
        if (long.TryParse(names[0], out _))
        {
            problem = $"has {names.Length} numeric columns";
            return names.Length switch
            {
                12 => DataFormat.BinanceKline,
                7 => DataFormat.Ninjabot,
                _ => null,
            };
        }

        if (CsvLayout.IsBinanceKlineHeader(names))
        {
            problem = "";
            return DataFormat.BinanceKline;
        }

        return CsvLayout.FromHeader(names, out problem) is null ? null : DataFormat.OhlcvCsv;
    }

    private static bool IsDataFile(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^3];
        }

        return DataExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    private static void RequireFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new MarketDataException($"{path} is a folder, not a market data file (use ExpandPaths to list its files)");
        }

        if (!File.Exists(path))
        {
            throw new MarketDataException($"market data file not found: {path}");
        }
    }
}
