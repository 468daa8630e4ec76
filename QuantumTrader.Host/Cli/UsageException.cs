namespace QuantumTrader.Host.Cli;

/// <summary>Bad input or configuration the user can fix; the CLI prints the message and exits with code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
}
