namespace Stats.Core.Queries;

/// <summary>
/// A query the caller got wrong: an unknown stat, a missing or malformed parameter. The API answers it with 400; the
/// message is written for the caller and names the parameter.
/// </summary>
public sealed class StatQueryException : Exception
{
    public StatQueryException(string message)
        : base(message)
    {
    }

    public StatQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StatQueryException()
    {
    }
}
