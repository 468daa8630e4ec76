using System.CommandLine;
using QuantumTrader.Actors.Persistence;
using QuantumTrader.Host.Ops;
using QuantumTrader.Host.Run;
using QuantumTrader.Models.Validation;
using QuantumTrader.Models.Market;

namespace QuantumTrader.Host.Cli;

/// <summary>The qt command line: verbs, parse errors and exit codes (0 done, 2 bad input or configuration, 1 anything else).</summary>
public static class QtCli
{
    public static RootCommand Build() => new("QuantumTrader: an actor-model trading node with a self-governing ML ensemble")
    {
        RunVerb.Create(),
        RunVerb.CreateNode(),
        CtlVerb.Create(),
        FeaturesVerb.Create(),
        BenchVerb.Create(),
        EssVerb.Create(),
        DriftVerb.Create(),
        ModelsVerb.Create(),
        AuditVerb.Create(),
        ReplayVerb.Create(),
        ReportVerb.Create(),
        AccuracyVerb.Create(),
        AccessVerb.Create(),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
            Console.Error.WriteLine("see 'qt --help'");
            return ExitCodes.BadInput;
        }
        try
        {
            // Ctrl-C or SIGTERM cancels the verb; the wait lets a node stop gracefully (sharding hands entities off and they snapshot).
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
        }
        catch (Exception ex) when (Unwrap(ex) is UsageException or BadInputException or MarketDataException or JournalFormatException or BadLineException)
        {
            Console.Error.WriteLine($"error: {Unwrap(ex).Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (Unwrap(ex) is NodeCallException)
        {
            Console.Error.WriteLine($"error: {Unwrap(ex).Message}");
            return ExitCodes.Failure;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"failed: {ex}");
            return ExitCodes.Failure;
        }
    }

    private static Exception Unwrap(Exception ex) => ex is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerException!) : ex;
}
