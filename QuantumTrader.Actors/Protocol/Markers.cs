using System.Text.Json.Serialization;

namespace QuantumTrader.Actors.Protocol;

/// <summary>Every command, query and reply that may cross a process boundary; bound to <c>ProtocolSerializer</c>.</summary>
public interface IProtocolMessage
{
}

/// <summary>
/// A command only an operator gives; <see cref="Operator"/> is who gave it, journaled with what it changes. The ops API
/// sets it from the request's access token (or the console's name for itself when the node has no access file).
/// </summary>
public abstract record OperatorMessage : IProtocolMessage
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Operator { get; init; }

    public OperatorMessage By(string? name) => this with { Operator = name };
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
