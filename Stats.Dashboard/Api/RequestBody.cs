using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Stats.Dashboard.Api;

/// <summary>Reads a request body up to a limit, whether its length is announced (Content-Length) or not (chunked).</summary>
internal static class RequestBody
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>The whole body, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpContext http, long maxBytes)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            return null;
        }

        // Our own limit decides; the server's default (30 MB) must not answer first with a bare 413.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBytes + 1;
        }

        try
        {
            return http.Request.ContentLength is { } length
                ? await ReadAnnouncedAsync(http, (int)length)
                : await ReadChunkedAsync(http, maxBytes);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A chunked body has no length to check first: the server stops it at the limit set above.
            return null;
        }
    }

    /// <summary>
    /// A body of announced length goes straight into an array of that length: a single event's request is a few hundred
    /// bytes, and a 64 KB buffer for each (allocated and zeroed) cost more than reading it.
    /// </summary>
    private static async Task<ReadOnlyMemory<byte>> ReadAnnouncedAsync(HttpContext http, int length)
    {
        var body = new byte[length];
        var filled = 0;
        int read;
        // The server ends the body at Content-Length, and fails the read when the client sends less.
        while (filled < length && (read = await http.Request.Body.ReadAsync(body.AsMemory(filled), http.RequestAborted)) > 0)
        {
            filled += read;
        }

        return body.AsMemory(0, filled);
    }

    private static async Task<ReadOnlyMemory<byte>?> ReadChunkedAsync(HttpContext http, long maxBytes)
    {
        using var buffer = new MemoryStream(ChunkBytes);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
