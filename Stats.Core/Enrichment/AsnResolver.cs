using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text;
using MaxMind.Db;

namespace Stats.Core.Enrichment;

/// <summary>
/// IP address to the network organisation that announces it: its autonomous system, as the label
/// <c>AS513 CERN - European Organization for Nuclear Research</c>. Reads the CSV ranges of <c>@ip-location-db/asn</c>
/// (start, end, AS number, AS name; addresses dotted or as integers, IPv4 and IPv6 in one file or several) or a MaxMind
/// DB with <c>autonomous_system_number</c> (GeoLite2-ASN). The CSVs hold half a million ranges: they are kept as
/// sorted arrays of (start, end, label) structs and searched by bisection, about 10 MB, not as objects per range. A
/// table by the first 16 bits of the address (and the next 8 where a prefix holds many ranges) narrows each bisection to
/// the ranges of its prefix: a bisection over the whole 1.6 MB of IPv4 starts missed the cache at each of its last
/// steps, on every event.
/// </summary>
public sealed class AsnResolver : IDisposable
{
    private readonly Reader? _mmdb;
    // A range's start, end and label side by side: the look-up that finds the start reads the rest from the same cache line.
    private readonly AddressRange<uint>[] _v4 = [];
    private readonly StartIndex? _v4Index;
    private readonly AddressRange<UInt128>[] _v6 = [];
    private readonly StartIndex? _v6Index;
    private readonly string[] _labels = [];

    /// <summary>No database: every address has no organisation.</summary>
    public AsnResolver()
    {
    }

    /// <summary>Reads <paramref name="paths"/>: one MaxMind DB, or CSV files of ranges.</summary>
    public AsnResolver(IReadOnlyList<string> paths)
    {
        if (paths.Count == 1 && paths[0].EndsWith(".mmdb", StringComparison.OrdinalIgnoreCase))
        {
            _mmdb = new Reader(paths[0], FileAccessMode.MemoryMapped);
            return;
        }

        // Read without a string per line: a string per line was half a million strings of garbage at every start.
        var v4 = new List<AddressRange<uint>>();
        var v6 = new List<AddressRange<UInt128>>();
        var labels = new List<string>();
        var names = new List<string>();
        var labelOfNumber = new Dictionary<long, int>();
        var labelOf = new Dictionary<(long, string), int>();
        foreach (var path in paths)
        {
            ForEachLine(path, line =>
            {
                if (!TryParseLine(line, out var start, out var end, out var number, out var name, out var isV4))
                {
                    return;
                }

                // An AS keeps one name across its many ranges: compare with the last name seen for its number first.
                if (!labelOfNumber.TryGetValue(number, out var label) || !name.SequenceEqual(names[label]))
                {
                    var text = name.ToString();
                    if (!labelOf.TryGetValue((number, text), out label))
                    {
                        label = labels.Count;
                        labels.Add(Label(number, text));
                        names.Add(text);
                        labelOf[(number, text)] = label;
                    }

                    labelOfNumber[number] = label;
                }

                if (isV4)
                {
                    v4.Add(new((uint)start, (uint)end, label));
                }
                else
                {
                    v6.Add(new(start, end, label));
                }
            });
        }

        v4.Sort((a, b) => a.Start.CompareTo(b.Start));
        v6.Sort((a, b) => a.Start.CompareTo(b.Start));
        _v4 = [.. v4];
        _v6 = [.. v6];
        _v4Index = StartIndex.Of(_v4, start => (int)(start >> 8));
        _v6Index = StartIndex.Of(_v6, start => (int)(start >> 104));
        _labels = [.. labels];
    }

    /// <summary>The ranges known (IPv4 and IPv6), to tell a loaded database from a missing one.</summary>
    public int Ranges => _v4.Length + _v6.Length;

    /// <summary>How an organisation is named in labels, queries and exports: <c>AS{number} {name}</c>.</summary>
    public static string Label(long number, string? name)
    {
        // Labels hold 256 characters; a few registry names are longer.
        var label = string.IsNullOrWhiteSpace(name) ? $"AS{number}" : $"AS{number} {name.Trim()}";
        return label.Length <= 200 ? label : label[..200];
    }

    /// <summary>The organisation label of an address; null for private, reserved, unknown or unparsable addresses.</summary>
    public string? OrganisationOf(string? ipAddress) => OrganisationOf(PublicAddress.Parse(ipAddress));

    /// <summary>The organisation label of an address parsed by <see cref="PublicAddress.Parse"/>; null for none.</summary>
    public string? OrganisationOf(IPAddress? address) => OrganisationOf(address, out _);

    /// <summary>
    /// The organisation label of an address parsed by <see cref="PublicAddress.Parse"/>, and its index among the labels of
    /// the CSV ranges (-1 for none, and for every label of a MaxMind DB): the same index is always the same label string,
    /// so that the writer can keep a label's id by index instead of hashing the text of every event's organisation.
    /// </summary>
    public string? OrganisationOf(IPAddress? address, out int index)
    {
        index = -1;
        if (address is null)
        {
            return null;
        }

        if (_mmdb is not null)
        {
            var entry = _mmdb.Find<Dictionary<string, object>>(address);
            return entry is not null && entry.TryGetValue("autonomous_system_number", out var number) && number is not null
                ? Label(Convert.ToInt64(number, CultureInfo.InvariantCulture), entry.GetValueOrDefault("autonomous_system_organization") as string)
                : null;
        }

        index = LabelIndexOf(address);
        return index >= 0 ? _labels[index] : null;
    }

    /// <summary>The index in <see cref="_labels"/> of the range that holds an address; -1 for none.</summary>
    private int LabelIndexOf(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var value = (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
            var i = LastAtOrBefore(_v4, _v4Index, (int)(value >> 8), value);
            return i >= 0 && value <= _v4[i].End ? _v4[i].Label : -1;
        }

        if (written != 16)
        {
            return -1;
        }

        var v6 = new UInt128(
            (ulong)bytes[0] << 56 | (ulong)bytes[1] << 48 | (ulong)bytes[2] << 40 | (ulong)bytes[3] << 32 | (ulong)bytes[4] << 24 | (ulong)bytes[5] << 16 | (ulong)bytes[6] << 8 | bytes[7],
            (ulong)bytes[8] << 56 | (ulong)bytes[9] << 48 | (ulong)bytes[10] << 40 | (ulong)bytes[11] << 32 | (ulong)bytes[12] << 24 | (ulong)bytes[13] << 16 | (ulong)bytes[14] << 8 | bytes[15]);
        var j = LastAtOrBefore(_v6, _v6Index, (int)(v6 >> 104), v6);
        return j >= 0 && v6 <= _v6[j].End ? _v6[j].Label : -1;
    }

    public void Dispose() => _mmdb?.Dispose();

    /// <summary>
    /// The index of the last start at or before <paramref name="value"/>, whose first 24 bits are <paramref name="prefix"/>;
    /// -1 when all are after it. It is among the starts of that prefix, or else the last start before them, a range that
    /// may reach into the prefix.
    /// </summary>
    private static int LastAtOrBefore<T>(AddressRange<T>[] ranges, StartIndex? index, int prefix, T value)
        where T : IComparisonOperators<T, T, bool>
    {
        if (index is null)
        {
            return -1;
        }

        // A bisection of its own: Array.BinarySearch compares through IComparable, a call per step on every event.
        var (low, high) = index.StartsOf(prefix);
        while (low < high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            if (ranges[middle].Start <= value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low - 1;
    }

    /// <summary>
    /// Where the ranges starting under each 24-bit prefix are, among ranges sorted by start: by the first 16 bits, and
    /// for a 16-bit prefix under which more than <see cref="DenseRanges"/> ranges start, by the next 8 bits too. IPv6's
    /// /16 prefixes hold thousands of ranges each (2a02::/16 nearly 3,000), and a bisection over them missed the cache at
    /// each of a dozen steps; IPv4's hold 6 on average.
    /// </summary>
    private sealed class StartIndex
    {
        private const int DenseRanges = 64;

        // first[p] is the first range whose 16-bit prefix is p or more (first[65,536]: the count).
        private readonly int[] _first = new int[(1 << 16) + 1];
        // For a dense 16-bit prefix p, its 257 entries by the next 8 bits start at second[block[p]].
        private readonly int[] _block = new int[1 << 16];
        private readonly int[] _second;

        /// <param name="prefixOf">A start's first 24 bits.</param>
        public static StartIndex Of<T>(AddressRange<T>[] ranges, Func<T, int> prefixOf) => new(ranges.Length, i => prefixOf(ranges[i].Start));

        private StartIndex(int count, Func<int, int> prefixAt)
        {
            var i = 0;
            for (var prefix = 0; prefix < _first.Length; prefix++)
            {
                while (i < count && prefixAt(i) >> 8 < prefix)
                {
                    i++;
                }

                _first[prefix] = i;
            }

            var second = new List<int>();
            for (var prefix = 0; prefix < _block.Length; prefix++)
            {
                var (low, high) = (_first[prefix], _first[prefix + 1]);
                if (high - low <= DenseRanges)
                {
                    continue;
                }

                _block[prefix] = second.Count;
                var j = low;
                for (var next = 0; next <= 1 << 8; next++)
                {
                    while (j < high && (prefixAt(j) & 0xFF) < next)
                    {
                        j++;
                    }

                    second.Add(j);
                }
            }

            _second = [.. second];
        }

        /// <summary>The ranges that start under a 24-bit prefix: <c>[Low, High)</c>.</summary>
        public (int Low, int High) StartsOf(int prefix)
        {
            var (low, high) = (_first[prefix >> 8], _first[(prefix >> 8) + 1]);
            if (high - low <= DenseRanges)
            {
                return (low, high);
            }

            var at = _block[prefix >> 8] + (prefix & 0xFF);
            return (_second[at], _second[at + 1]);
        }
    }

    /// <summary>Calls <paramref name="action"/> with each line of a UTF-8 file, from one reused buffer.</summary>
    private static void ForEachLine(string path, Action<ReadOnlySpan<char>> action)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var buffer = new char[1 << 16];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = reader.ReadBlock(buffer, length, buffer.Length - length);
            length += read;
            var consumed = 0;
            int newline;
            while ((newline = buffer.AsSpan(consumed, length - consumed).IndexOf('\n')) >= 0)
            {
                action(buffer.AsSpan(consumed, newline).TrimEnd('\r'));
                consumed += newline + 1;
            }

            if (read == 0)
            {
                if (consumed < length)
                {
                    action(buffer.AsSpan(consumed, length - consumed).TrimEnd('\r'));
                }

                return;
            }

            buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
            length -= consumed;
        }
    }

    /// <summary>
    /// One CSV line: start,end,number,name (the name may be quoted with "" escapes, and is then a new string); false for
    /// a header or a bad line.
    /// </summary>
    internal static bool TryParseLine(ReadOnlySpan<char> span, out UInt128 start, out UInt128 end, out long number, out ReadOnlySpan<char> name, out bool isV4)
    {
        (start, end, number, isV4) = (default, default, 0, false);
        name = default;
        var first = span.IndexOf(',');
        if (first < 0)
        {
            return false;
        }

        var second = span[(first + 1)..].IndexOf(',') + first + 1;
        if (second <= first)
        {
            return false;
        }

        var third = span[(second + 1)..].IndexOf(',') + second + 1;
        if (third <= second ||
            !TryParseAddress(span[..first], out start, out var startIsV4) ||
            !TryParseAddress(span[(first + 1)..second], out end, out var endIsV4) ||
            startIsV4 != endIsV4 ||
            !long.TryParse(span[(second + 1)..third], NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }

        isV4 = startIsV4;
        name = Unquote(span[(third + 1)..]);
        return true;
    }

    /// <summary>A dotted or colon address, or an integer (the <c>-num</c> files: IPv4 when it fits 32 bits).</summary>
    private static bool TryParseAddress(ReadOnlySpan<char> text, out UInt128 value, out bool isV4)
    {
        value = default;
        isV4 = false;
        if (UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            isV4 = value <= uint.MaxValue;
            return true;
        }

        if (TryParseDotted(text, out var dotted))
        {
            (value, isV4) = (dotted, true);
            return true;
        }

        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        isV4 = written == 4;
        value = 0;
        for (var i = 0; i < written; i++)
        {
            value = value << 8 | bytes[i];
        }

        return true;
    }

    /// <summary>A dotted IPv4 address, read without the <see cref="IPAddress"/> object its parser makes.</summary>
    private static bool TryParseDotted(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        Span<Range> parts = stackalloc Range[5];
        if (text.Split(parts, '.') != 4)
        {
            return false;
        }

        foreach (var part in parts[..4])
        {
            if (!byte.TryParse(text[part], NumberStyles.None, CultureInfo.InvariantCulture, out var octet))
            {
                return false;
            }

            value = value << 8 | octet;
        }

        return true;
    }

    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> field)
    {
        field = field.Trim();
        if (field.Length < 2 || field[0] != '"' || field[^1] != '"')
        {
            return field;
        }

        var inner = field[1..^1];
        return inner.Contains("\"\"", StringComparison.Ordinal) ? new StringBuilder().Append(inner).Replace("\"\"", "\"").ToString() : inner;
    }
}

/// <summary>The addresses from <see cref="Start"/> to <see cref="End"/>, announced by the organisation of <see cref="Label"/>.</summary>
internal readonly record struct AddressRange<T>(T Start, T End, int Label);
