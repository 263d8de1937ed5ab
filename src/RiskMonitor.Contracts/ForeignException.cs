namespace RiskMonitor.Contracts;

/// <summary>
/// Stands in, on the caller's side, for an exception a grain threw whose type Orleans cannot send between silos (a
/// type of ours or of a library that has no Orleans codec). It keeps the original type's name, the message, the stack
/// trace (as the remote stack trace) and the inner exceptions; the type's own fields are lost. Npgsql's exceptions are
/// sent whole instead (docs/decisions/0052).
/// </summary>
public sealed class ForeignException : Exception
{
    public ForeignException()
    {
        ExceptionType = typeof(ForeignException).FullName!;
    }

    public ForeignException(string message)
        : base(message)
    {
        ExceptionType = typeof(ForeignException).FullName!;
    }

    public ForeignException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ExceptionType = typeof(ForeignException).FullName!;
    }

    public ForeignException(string exceptionType, string message, Exception? innerException)
        : base(message, innerException)
    {
        ExceptionType = exceptionType;
    }

    /// <summary>The full name of the type the grain threw.</summary>
    public string ExceptionType { get; }

    public override string ToString() => $"{ExceptionType} (thrown in a grain, sent as {nameof(ForeignException)}): {base.ToString()}";
}
