namespace Stats.Core.Import;

/// <summary>
/// Splits a stream into lines through a bounded buffer, so a file of any size is read in constant memory. A line
/// longer than <see cref="MaxLineBytes"/> is not kept: it is reported as overlong and its bytes are skipped.
/// </summary>
internal sealed class LineReader(Stream stream)
{
    public const int MaxLineBytes = 1024 * 1024;

    private readonly Stream _stream = stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _endOfStream;
    private bool _skippingOverlong;

    /// <summary>The number of the line last returned, from 1.</summary>
    public long LineNumber { get; private set; }

    /// <summary>
    /// The next line (without its <c>\n</c> or <c>\r\n</c>) when the buffer holds all of it; false when the buffer
    /// must be filled first (<see cref="FillAsync"/>). An overlong line comes back empty with <paramref name="overlong"/> set.
    /// </summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out bool overlong)
    {
        line = default;
        overlong = false;
        var available = _buffer.AsSpan(_start, _end - _start);
        var newline = available.IndexOf((byte)'\n');
        if (newline >= 0)
        {
            line = available[..newline];
            _start += newline + 1;
        }
        else if (_endOfStream && (available.Length > 0 || _skippingOverlong))
        {
            // The last line of a file that does not end with a newline.
            line = available;
            _start = _end;
        }
        else
        {
            return false;
        }

        LineNumber++;
        if (_skippingOverlong)
        {
            _skippingOverlong = false;
            overlong = true;
            line = default;
        }
        else if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        return true;
    }

    /// <summary>Reads more of the stream into the buffer; false once the stream is exhausted and every line was returned.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_endOfStream)
        {
            return false;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length < MaxLineBytes)
            {
                Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxLineBytes));
            }
            else
            {
                // No newline in a full buffer: drop what there is of this line and skip to its end.
                _skippingOverlong = true;
                _end = 0;
            }
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        _endOfStream = read == 0;
        return true;
    }
}
