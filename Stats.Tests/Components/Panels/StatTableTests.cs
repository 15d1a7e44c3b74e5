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

    private IRenderedComponent<StatTable<FileDownloadBucket>> RenderTable(IReadOnlyList<FileDownloadBucket> items) =>
        Render<StatTable<FileDownloadBucket>>(p => p
            .Add(c => c.Key, "files").Add(c => c.Title, "Files").Add(c => c.Columns, s_columns).Add(c => c.Items, items));

    private static List<string> FirstColumn(IRenderedComponent<StatTable<FileDownloadBucket>> cut) =>
        [.. cut.FindAll("tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim())];
}
