using QuantumTrader.Host.Cli;

return await QtCli.RunAsync(args);
