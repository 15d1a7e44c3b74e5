namespace Stats.Tests.Builders;

/// <summary>Message bodies exactly as invenio's event builders write them (docs/invenio.md#message-bodies).</summary>
public static class InvenioBodies
{
    /// <summary>invenio-stats' contrib <c>record-view</c>: the record by <c>pid_value</c>, an internal uuid beside it.</summary>
    public static string ContribView(string pidValue, string timestamp, string ip, string? sessionId = null) => $$"""
        {"timestamp": "{{timestamp}}", "record_id": "0b6d5a3e-6c4f-4d55-9b8f-3c2a1e0f9d71", "pid_type": "recid", "pid_value": "{{pidValue}}",
         "referrer": "https://repository.example.org/search", "ip_address": "{{ip}}", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
         "user_id": null, "session_id": {{Json(sessionId)}}}
        """;

    /// <summary>InvenioRDM's <c>record-view</c> (what Zenodo and B2SHARE 3 send).</summary>
    public static string RdmView(string recid, string parentRecid, string timestamp, string ip, object? userId = null) => $$"""
        {"timestamp": "{{timestamp}}", "recid": "{{recid}}", "parent_recid": "{{parentRecid}}", "referrer": null, "via_api": false,
         "ip_address": "{{ip}}", "user_agent": "Mozilla/5.0 (Macintosh) Safari/605.1.15", "user_id": {{(userId is int n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : Json(userId as string))}}, "session_id": null}
        """;

    /// <summary>InvenioRDM's <c>file-download</c>: the bucket together with the record.</summary>
    public static string RdmDownload(string recid, string bucketId, string fileKey, long size, string timestamp, string ip) => $$"""
        {"timestamp": "{{timestamp}}", "bucket_id": "{{bucketId}}", "file_id": "5e0f3d1c-2b4a-4c6d-8e9f-0a1b2c3d4e5f", "file_key": "{{fileKey}}",
         "size": {{size}}, "referrer": null, "recid": "{{recid}}", "parent_recid": "{{recid}}-parent", "via_api": false,
         "ip_address": "{{ip}}", "user_agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0", "user_id": null, "session_id": null}
        """;

    /// <summary>invenio-stats' contrib <c>file-download</c>: a bucket, no record.</summary>
    public static string ContribDownload(string bucketId, string fileKey, long size, string timestamp, string ip) => $$"""
        {"timestamp": "{{timestamp}}", "bucket_id": "{{bucketId}}", "file_id": "5e0f3d1c-2b4a-4c6d-8e9f-0a1b2c3d4e5f", "file_key": "{{fileKey}}",
         "size": {{size}}, "referrer": null, "ip_address": "{{ip}}", "user_agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0", "user_id": null, "session_id": null}
        """;

    private static string Json(string? text) => text is null ? "null" : $"\"{text}\"";
}
