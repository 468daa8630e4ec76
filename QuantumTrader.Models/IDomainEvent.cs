namespace QuantumTrader.Models;

/// <summary>
/// A fact that changed money or models. Owners persist it, so it is audited and replayed;
/// the version is part of its serialized manifest so an older journal still loads.
/// </summary>
public interface IDomainEvent
{
}
