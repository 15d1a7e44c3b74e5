using Stats.Core.Events;

namespace Stats.Tests.Core.Events;

public sealed class IdRulesTests
{
    [Theory]
    [InlineData("1234567")]
    [InlineData("abcd-1234")]
    [InlineData("oai:zenodo.org:1234")]
    [InlineData("hdl:11304/abc_def.1~2")]
    [InlineData("user@example.org")]
    [InlineData("рекорд-42")]
    [InlineData("記録/1")]
    [InlineData("नमस्ते")]
    public void RealIdsOfAnyScriptAreIds(string id) => Assert.Null(IdRules.IdProblem(id));

    [Theory]
    [InlineData("nul\0id")]
    [InlineData("ansi\u001b[31m")]
    [InlineData("tab\tid")]
    [InlineData("space id")]
    [InlineData("quote\"id")]
    public void ControlCharactersSpacesAndOddPunctuationAreNotIds(string id) => Assert.NotNull(IdRules.IdProblem(id));

    [Fact]
    public void TextWithALoneSurrogateIsNeitherAnIdNorAText()
    {
        // Built here: a test attribute cannot carry a lone surrogate.
        var text = "a" + (char)0xD800 + "b";

        Assert.Equal("is not well-formed Unicode (a lone surrogate)", IdRules.IdProblem(text));
        Assert.Equal("is not well-formed Unicode (a lone surrogate)", IdRules.TextProblem(text));
    }

    [Fact]
    public void AnIdFitsTheStoresColumnsOf128Characters()
    {
        Assert.Null(IdRules.IdProblem(new string('x', 128)));
        Assert.Equal("is longer than 128 characters", IdRules.IdProblem(new string('x', 129)));
    }

    [Theory]
    [InlineData("data (v2).csv", null)]
    [InlineData("=HYPERLINK(\"x\")", null)]
    [InlineData("line\nbreak", "holds the character U+000A, a control character")]
    public void TextsMayHoldAnythingButControlCharactersAndBrokenUnicode(string text, string? problem) =>
        Assert.Equal(problem, IdRules.TextProblem(text));

    [Fact]
    public void AFieldIsCheckedAsAnIdOrAsATextByItsName()
    {
        Assert.NotNull(IdRules.Problem("recid", "data (v2).csv"));
        Assert.Null(IdRules.Problem("file_key", "data (v2).csv"));
    }
}
