namespace QuantumTrader.Models.Validation;

/// <summary>A line of an input file that cannot be read: the file, the line (0: the file as a whole), the field and why.</summary>
public abstract class BadLineException(string file, int line, string field, string reason)
    : FormatException($"{file}:{line}: field '{field}': {reason}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Field { get; } = field;
    public string Reason { get; } = reason;
}
