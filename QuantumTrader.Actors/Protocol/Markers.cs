namespace QuantumTrader.Actors.Protocol;

/// <summary>Every command, query and reply that may cross a process boundary; bound to <c>ProtocolSerializer</c>.</summary>
public interface IProtocolMessage
{
}

/// <summary>Routed to the symbol entity of that instrument.</summary>
public interface IWithSymbol
{
    string Symbol { get; }
}

/// <summary>Routed to the model entity of that model slot.</summary>
public interface IWithModelId
{
    string ModelId { get; }
}

/// <summary>Routed to the account entity.</summary>
public interface IWithAccountId
{
    string AccountId { get; }
}

/// <summary>
/// An actor's answer to an operator's command it will not take now (a limit change while a start decides its bars): the
/// reason, for the console to print. Nothing was journaled.
/// </summary>
public sealed class OperatorRefusedException(string reason) : Exception(reason);
