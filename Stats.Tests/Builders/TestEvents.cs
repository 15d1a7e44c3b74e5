using Stats.Core.Events;
using Stats.Core.Ingestion;

namespace Stats.Tests.Builders;

/// <summary>Incoming events with believable defaults: tests name only what they are about.</summary>
public static class TestEvents
{
    public const string Browser = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    /// <summary>A public address (Google's DNS resolver), so that country resolution has something to find.</summary>
    public const string PublicIp = "8.8.8.8";

    public static IncomingEvent View(
        string recid, DateTimeOffset at, string? userId = null, string? sessionId = null, string? ip = PublicIp, string? userAgent = Browser) => new()
        {
            Type = EventCatalog.RecordView,
            Timestamp = at,
            Recid = recid,
            UserId = userId,
            SessionId = sessionId,
            IpAddress = ip,
            UserAgent = userAgent,
        };

    public static IncomingEvent Download(
        string recid, string fileKey, DateTimeOffset at, long size = 9000, string? userId = null, string? sessionId = null,
        string? ip = PublicIp, string? userAgent = Browser) => new()
        {
            Type = EventCatalog.FileDownload,
            Timestamp = at,
            Recid = recid,
            FileKey = fileKey,
            Size = size,
            UserId = userId,
            SessionId = sessionId,
            IpAddress = ip,
            UserAgent = userAgent,
        };

    /// <summary>A lifecycle event (<c>record-published</c>, <c>record-updated</c> or <c>record-deleted</c>).</summary>
    public static IncomingEvent Lifecycle(
        string type, string recid, DateTimeOffset at, string? owner = "owner-1", IReadOnlyList<string>? communities = null,
        string? accessRight = "open", string? parentRecid = null, string? title = null) => new()
        {
            Type = type,
            Timestamp = at,
            Recid = recid,
            ParentRecid = parentRecid,
            OwnerId = owner,
            Communities = communities,
            AccessRight = accessRight,
            Title = title,
            ResourceType = "dataset",
        };

    public static IncomingEvent Published(
        string recid, DateTimeOffset at, string? owner = "owner-1", IReadOnlyList<string>? communities = null,
        string? accessRight = "open", string? parentRecid = null, string? title = null) =>
        Lifecycle(EventCatalog.RecordPublished, recid, at, owner, communities, accessRight, parentRecid, title);
}
