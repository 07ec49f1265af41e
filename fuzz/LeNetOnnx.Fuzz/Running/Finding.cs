namespace LeNetOnnx.Fuzz.Running;

/// <summary>One unique crash, hang or process death, with the input that caused it.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Signature">What makes it unique: exception type and throwing method, or the kind.</param>
/// <param name="Details">The exception as text, or what was observed.</param>
/// <param name="Input">The input.</param>
/// <param name="SavedAs">The file the input was saved to, or null when findings are not saved.</param>
public sealed record Finding(FindingKind Kind, string Signature, string Details, byte[] Input, string? SavedAs);
