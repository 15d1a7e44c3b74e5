using Bunit;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Panels;

namespace Stats.Tests.Components.Panels;

public sealed class StatTableTests : DashboardTestContext
{
    private static readonly IReadOnlyList<StatColumn<FileDownloadBucket>> s_columns =
    [
        StatColumns.Text<FileDownloadBucket>("File", f => f.Key),
        StatColumns.Count<FileDownloadBucket>("Downloads", f => f.Downloads),
        StatColumns.Bytes<FileDownloadBucket>("Data volume", f => f.DataVolume),
    ];

    private static readonly FileDownloadBucket[] s_files =
    [
        new("b.csv", 5, 4, 2_000), new("a, notes.txt", 1200, 10, 3_500_000), new("c.zip", 40, 40, 900),
    ];

    [Fact]
    public void HeaderButtonsSortNumbersLargestFirstThenTheOtherWay()
    {
        var cut = RenderTable(s_files);

        cut.FindAll("button.stats-sort")[1].Click();
        Assert.Equal(["a, notes.txt", "c.zip", "b.csv"], FirstColumn(cut));
        Assert.Equal("descending", cut.FindAll("th")[1].GetAttribute("aria-sort"));

        cut.FindAll("button.stats-sort")[1].Click();
        Assert.Equal(["b.csv", "c.zip", "a, notes.txt"], FirstColumn(cut));
    }

    [Fact]
    public void CsvHasEveryRowInTheShownOrderWithThePlainNumbersTheScreenFormats()
    {
        var cut = RenderTable(s_files);
        cut.FindAll("button.stats-sort")[0].Click();

        Assert.Equal("1,200", cut.FindAll("tbody tr")[0].QuerySelectorAll("td")[1].TextContent.Trim());
        Assert.Equal("3.5 MB", cut.FindAll("tbody tr")[0].QuerySelectorAll("td")[2].TextContent.Trim());
        Assert.Equal(
            "File,Downloads,Data volume (bytes)\r\n\"a, notes.txt\",1200,3500000\r\nb.csv,5,2000\r\nc.zip,40,900\r\n",
            cut.Instance.ToCsv());
    }

    [Fact]
    public void CsvButtonHandsTheFileToTheBrowser()
    {
        var module = JSInterop.SetupModule(FileDownloader.ModulePath);
        module.SetupVoid("downloadText", _ => true).SetVoidResult();
        var cut = RenderTable(s_files);

        cut.Find(".stats-export-csv").Click();

        var call = module.VerifyInvoke("downloadText");
        Assert.Equal("files.csv", call.Arguments[0]);
        Assert.Equal("text/csv", call.Arguments[1]);
        Assert.Equal(cut.Instance.ToCsv(), call.Arguments[2]);
    }

    [Fact]
    public void LongTablesPageAndTheCsvStillHasEveryRow()
    {
        var files = Enumerable.Range(1, 25).Select(i => new FileDownloadBucket($"f{i:D2}", i, i, i)).ToArray();

        var cut = RenderTable(files);

        Assert.Equal(10, cut.FindAll("tbody tr").Count);
        Assert.Equal(26, cut.Instance.ToCsv().Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void AnEmptyTableSaysSoAndOffersNoExport()
    {
        var cut = RenderTable([]);

        Assert.NotNull(cut.Find(".stats-empty-state"));
        Assert.Empty(cut.FindAll(".stats-export-csv"));
    }

    [Fact]
    public void ARecordShowsItsTitleWithItsRecidUnderItAndTheCsvHasBothInTheirOwnColumns()
    {
        IReadOnlyList<StatColumn<RankedRecord>> columns = [.. StatColumns.Record<RankedRecord>(r => r.Recid, r => r.Title), StatColumns.Count<RankedRecord>("Views", r => r.Value)];
        RankedRecord[] records = [new("r1", "Lake sediments", 9), new("r2", null, 4)];

        var cut = Render<StatTable<RankedRecord>>(p => p
            .Add(c => c.Key, "records").Add(c => c.Title, "Records").Add(c => c.Columns, columns).Add(c => c.Items, records));

        Assert.Equal(["Record", "Views"], cut.FindAll("th").Select(th => th.TextContent.Trim()));
        var titled = cut.FindAll("tbody tr")[0];
        Assert.Equal("Lake sediments", titled.QuerySelector("a")!.TextContent.Trim());
        Assert.Equal("/records/r1", titled.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("r1", titled.QuerySelector(".stats-cell-secondary")!.TextContent.Trim());
        var untitled = cut.FindAll("tbody tr")[1];
        Assert.Equal("r2", untitled.QuerySelector("a")!.TextContent.Trim());
        Assert.Null(untitled.QuerySelector(".stats-cell-secondary"));
        // The id column stays in the file for spreadsheets to join on; a record without a title has an empty title there.
        Assert.Equal("Title,Recid,Views\r\nLake sediments,r1,9\r\n,r2,4\r\n", cut.Instance.ToCsv());
    }

    [Fact]
    public void ACommunityShowsItsNameWithItsIdUnderItAndTheCsvHasBoth()
    {
        IReadOnlyList<StatColumn<RankedCommunity>> columns = [.. StatColumns.Community<RankedCommunity>(c => c.Community, c => c.Name)];
        RankedCommunity[] communities = [new("hep", "High-energy physics", 3)];

        var cut = Render<StatTable<RankedCommunity>>(p => p
            .Add(c => c.Key, "communities").Add(c => c.Title, "Communities").Add(c => c.Columns, columns).Add(c => c.Items, communities));

        Assert.Equal("High-energy physics", cut.Find("tbody a").TextContent.Trim());
        Assert.Equal("hep", cut.Find("tbody .stats-cell-secondary").TextContent.Trim());
        Assert.Equal("Community name,Community id\r\nHigh-energy physics,hep\r\n", cut.Instance.ToCsv());
    }

    [Fact]
    public void ACountryShowsItsNameWithItsCodeAndTheCsvHasTheNameBesideTheCode()
    {
        IReadOnlyList<StatColumn<CountryBucket>> columns = [.. StatColumns.Country<CountryBucket>(c => c.Country), StatColumns.Count<CountryBucket>("Views", c => c.Views)];
        CountryBucket[] countries = [new("CH", 30, 20, 5, 4), new("ZZ", 3, 3, 0, 0)];

        var cut = Render<StatTable<CountryBucket>>(p => p
            .Add(c => c.Key, "countries").Add(c => c.Title, "Countries").Add(c => c.Columns, columns).Add(c => c.Items, countries));

        Assert.Equal(["Switzerland (CH)", "Unknown (ZZ)"], cut.FindAll("tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim()));
        Assert.Equal(["Country", "Views"], cut.FindAll("th").Select(th => th.TextContent.Trim()));
        Assert.Equal("Country,Country code,Views\r\nSwitzerland,CH,30\r\nUnknown,ZZ,3\r\n", cut.Instance.ToCsv());
    }

    private IRenderedComponent<StatTable<FileDownloadBucket>> RenderTable(IReadOnlyList<FileDownloadBucket> items) =>
        Render<StatTable<FileDownloadBucket>>(p => p
            .Add(c => c.Key, "files").Add(c => c.Title, "Files").Add(c => c.Columns, s_columns).Add(c => c.Items, items));

    private static List<string> FirstColumn(IRenderedComponent<StatTable<FileDownloadBucket>> cut) =>
        [.. cut.FindAll("tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim())];
}
