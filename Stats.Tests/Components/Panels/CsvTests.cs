using Stats.Dashboard.Components.Panels;

namespace Stats.Tests.Components.Panels;

public sealed class CsvTests
{
    [Fact]
    public void FieldsWithCommasQuotesOrLineBreaksAreQuotedAndLinesEndWithCrlf()
    {
        var csv = Csv.Write(["title", "views"], [["Lake, sediments", 12L], ["The \"best\" data", 3L], ["two\nlines", 0L]]);

        Assert.Equal("title,views\r\n\"Lake, sediments\",12\r\n\"The \"\"best\"\" data\",3\r\n\"two\nlines\",0\r\n", csv);
    }

    [Fact]
    public void NumbersAndDatesAreWrittenInTheInvariantCultureWhateverTheCurrentCulture()
    {
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            var csv = Csv.Write(["date", "views", "share"], [[new DateOnly(2026, 1, 31), 1234567L, 0.5]]);

            Assert.Equal("date,views,share\r\n2026-01-31,1234567,0.5\r\n", csv);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void FileNamesAreLowerCaseWordsJoinedByDashes()
    {
        Assert.Equal("downloads-per-file-abcd-1234.csv", Csv.FileName("Downloads per file: abcd-1234"));
    }

    [Fact]
    public void TextThatASpreadsheetWouldRunAsAFormulaIsNeutralisedButNumbersAreNot()
    {
        var csv = Csv.Write(
            ["title", "delta"],
            [["=HYPERLINK(\"http://evil.example\",\"x\")", -3L], ["+1 hidden", -0.5], ["-x", 0L], ["@SUM(A1)", 1L], ["plain", 2L]]);

        Assert.Equal(
            "title,delta\r\n\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",-3\r\n'+1 hidden,-0.5\r\n'-x,0\r\n'@SUM(A1),1\r\nplain,2\r\n",
            csv);
    }
}
