using Bunit;
using Stats.Core.Queries;
using Stats.Dashboard.Components.Layout;

namespace Stats.Tests.Components.Layout;

/// <summary>The side menu's "My statistics": listed for those who own records, the people it is for, and for no one else.</summary>
public sealed class NavMenuTests : DashboardTestContext
{
    public NavMenuTests()
    {
        Usage.Records["r1"] = new RecordInfo("r1", "Lake sediments", null, "user-001", Deleted: false);
        Usage.Records["r2"] = new RecordInfo("r2", "Withdrawn", null, "user-002", Deleted: true);
    }

    [Fact]
    public void AnOwnerOfRecordsFindsMyStatisticsInTheSideMenu()
    {
        SignIn("user-001", "Olga Owner");

        var cut = Render<NavMenu>();

        cut.WaitForAssertion(() => Assert.Equal("My statistics", cut.Find("a[href='/me']").TextContent.Trim()));
    }

    [Theory]
    [InlineData("user-099")] // signed in, owns nothing: a curator or an admin who only reads
    [InlineData("user-002")] // owns only a deleted record
    public void ASignedInUserWithoutLiveRecordsHasNoMyStatisticsInTheSideMenu(string userId)
    {
        SignIn(userId);

        var cut = Render<NavMenu>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("a[href='/records']")));
        Assert.Empty(cut.FindAll("a[href='/me']"));
    }

    [Fact]
    public void AnAnonymousVisitorHasNoMyStatisticsInTheSideMenu()
    {
        var cut = Render<NavMenu>();

        Assert.NotNull(cut.Find("a[href='/records']"));
        Assert.Empty(cut.FindAll("a[href='/me']"));
    }
}
