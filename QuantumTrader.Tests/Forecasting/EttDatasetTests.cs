using System.IO.Compression;
using QuantumTrader.Models.Forecasting;

using QuantumTrader.Tests.Support;

namespace QuantumTrader.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class EttDatasetTests
{
    private const string Header = "date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT";

    private static EttData Parse(params string[] lines) => EttDataset.Parse(new StringReader(string.Join('\n', lines)), "ETTx", "ETTx.csv");

    [Fact]
    public void Reads_rows_channels_start_and_interval()
    {
        var d = Parse(Header,
            "2016-07-01 00:00:00,5.827,2.009,1.599,0.462,4.203,1.340,30.531",
            "2016-07-01 01:00:00,5.693,2.076,1.492,0.426,4.142,1.371,27.787",
            "2016-07-01 02:00:00,5.157,1.741,1.279,0.355,3.777,1.218,27.787");
        Assert.Equal(3, d.Series.Length);
        Assert.Equal(EttDataset.Channels, d.Series.Channels);
        Assert.Equal(new DateTime(2016, 7, 1), d.Start);
        Assert.Equal(TimeSpan.FromHours(1), d.Interval);
        Assert.Equal(2.076f, d.Series[1, 1]);
        Assert.Equal(27.787f, d.Series[2, 6]);
    }

    [Fact]
    public void A_bad_number_names_the_line_and_the_field()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse(Header,
            "2016-07-01 00:00:00,5.827,2.009,1.599,0.462,4.203,1.340,30.531",
            "2016-07-01 01:00:00,5.693,2.076,1.492,x,4.142,1.371,27.787"));
        Assert.Equal("ETTx.csv: line 3: field 'MULL': 'x' is not a finite number", ex.Message);
    }

    [Fact]
    public void A_gap_in_the_time_grid_is_refused()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse(Header,
            "2016-07-01 00:00:00,1,1,1,1,1,1,1",
            "2016-07-01 01:00:00,1,1,1,1,1,1,1",
            "2016-07-01 03:00:00,1,1,1,1,1,1,1"));
        Assert.Contains("line 4: field 'date'", ex.Message);
        Assert.Contains("gap or duplicate", ex.Message);
    }

    [Fact]
    public void A_wrong_header_or_field_count_is_refused()
    {
        Assert.Contains("line 1: header is", Assert.Throws<InvalidDataException>(() => Parse("date,OT", "2016-07-01 00:00:00,1")).Message);
        Assert.Contains("line 2: 7 fields, expected 8",
            Assert.Throws<InvalidDataException>(() => Parse(Header, "2016-07-01 00:00:00,1,1,1,1,1,1")).Message);
    }

    [Fact]
    public void Standard_split_is_12_4_4_months_of_30_days()
    {
        var hourly = EttSplit.Standard(TimeSpan.FromHours(1));
        Assert.Equal(new EttSplit(8640, 11520, 14400), hourly);
        Assert.Equal(new RowRange(8640 - 336, 11520), hourly.Validation(336));
        Assert.Equal(new RowRange(11520 - 336, 14400), hourly.Test(336));
        Assert.Equal(new EttSplit(34560, 46080, 57600), EttSplit.Standard(TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public void Reads_a_gzipped_file_and_names_the_dataset_after_it()
    {
        var dir = SyntheticSeries.TempDirectory();
        try
        {
            var path = Path.Combine(dir, "ETTm9.csv.gz");
            using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            using (var w = new StreamWriter(gz))
            {
                w.WriteLine(Header);
                w.WriteLine("2016-07-01 00:00:00,1,2,3,4,5,6,7");
                w.WriteLine("2016-07-01 00:15:00,2,3,4,5,6,7,8");
            }
            var d = EttDataset.Read(path);
            Assert.Equal("ETTm9", d.Name);
            Assert.Equal(TimeSpan.FromMinutes(15), d.Interval);
            Assert.Equal(8f, d.Series[1, 6]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
