namespace Stats.Core.Reports;

/// <summary>
/// A COUNTER_SUSHI exception object (R5.1, Appendix D): fatal ones are the whole answer with their HTTP status, the
/// others go into the report header's <c>Exceptions</c>.
/// </summary>
public sealed record CounterError(int Code, string Message, string? Data = null)
{
    /// <summary>COUNTER R5.1's informational exception (code 0): a note to the reader that is not an error.</summary>
    public static CounterError Info(string? data = null) => new(0, "Info or Debug", data);

    public static CounterError ServiceNotAvailable(string? data = null) => new(1000, "Service Not Available", data);

    public static CounterError TooManyRequests(string? data = null) => new(1020, "Client has made too many requests", data);

    public static CounterError InsufficientInformation(string? data = null) => new(1030, "Insufficient Information to Process Request", data);

    public static CounterError RequestorNotAuthorized(string? data = null) => new(2000, "Requestor Not Authorized to Access Service", data);

    public static CounterError NotAuthorizedForInstitution(string? data = null) => new(2010, "Requestor is Not Authorized to Access Usage for Institution", data);

    public static CounterError ApiKeyInvalid(string? data = null) => new(2020, "APIKey Invalid", data);

    public static CounterError InvalidDates(string? data = null) => new(3020, "Invalid Date Arguments", data);

    public static CounterError NoUsage(string? data = null) => new(3030, "No Usage Available for Requested Dates", data);

    public static CounterError UsageNotReady(string? data = null) => new(3031, "Usage Not Ready for Requested Dates", data);

    public static CounterError ParameterNotRecognized(string? data = null) => new(3050, "Parameter Not Recognized in this Context", data);

    public static CounterError InvalidFilterValue(string? data = null) => new(3060, "Invalid ReportFilter Value", data);

    public static CounterError InvalidAttributeValue(string? data = null) => new(3062, "Invalid ReportAttribute Value", data);

    /// <summary>The HTTP status of a fatal exception (the OpenAPI document's responses), 200 for the others.</summary>
    public int HttpStatus => Code switch
    {
        1000 or 1010 => 503,
        1011 => 202,
        1020 => 429,
        1030 or 3020 => 400,
        2000 or 2020 => 401,
        2010 or 2011 => 403,
        _ => 200,
    };
}

/// <summary>A request that cannot be answered with a report: the answer is the exception alone.</summary>
public sealed class CounterRequestException(CounterError error) : Exception(error.Message)
{
    public CounterError Error { get; } = error;
}
