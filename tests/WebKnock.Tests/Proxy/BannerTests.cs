using System.Text;
using Bunit;
using WebKnock.Proxy.Banner;

namespace WebKnock.Tests.Proxy;

public sealed class BannerTests : BunitContext
{
    [Theory]
    [InlineData(1800, "30:00")]
    [InlineData(754, "12:34")]
    [InlineData(59, "00:59")]
    [InlineData(3723, "1:02:03")]
    public void Shows_minutes_and_seconds_left(int seconds, string shown)
    {
        var cut = Render<WebKnock.Proxy.Banner.Banner>(p => p
            .Add(b => b.Prefix, "/.webknock/")
            .Add(b => b.Open, true)
            .Add(b => b.RemainingSeconds, seconds)
            .Add(b => b.CanExtend, true));

        Assert.Equal(shown, cut.Find(".webknock-time").TextContent);
        Assert.Equal(seconds.ToString(), cut.Find("#webknock-banner").GetAttribute("data-remaining"));
        Assert.False(cut.Find("button.webknock-extend").HasAttribute("disabled"));
    }

    [Theory]
    [InlineData(301, false)]
    [InlineData(300, true)]
    [InlineData(12, true)]
    public void Warns_in_the_last_five_minutes(int seconds, bool warning)
    {
        var cut = Render<WebKnock.Proxy.Banner.Banner>(p => p
            .Add(b => b.Prefix, "/.webknock/")
            .Add(b => b.Open, true)
            .Add(b => b.RemainingSeconds, seconds)
            .Add(b => b.WarnSeconds, 300));

        Assert.Equal(warning, cut.Find("#webknock-banner").ClassList.Contains("webknock-warning"));
    }

    [Fact]
    public void Closed_says_so_and_offers_no_extension()
    {
        var cut = Render<WebKnock.Proxy.Banner.Banner>(p => p.Add(b => b.Prefix, "/.webknock/").Add(b => b.Open, false));

        Assert.Contains("webknock-closed", cut.Find("#webknock-banner").ClassList);
        Assert.Contains("Access closed", cut.Markup);
        Assert.Empty(cut.FindAll("button"));
        Assert.Empty(cut.FindAll(".webknock-time"));
        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("link"));
        Assert.StartsWith("position:fixed;", cut.Find("#webknock-banner").GetAttribute("style"));
    }

    [Fact]
    public void Open_it_offers_to_fold_away_leaving_the_time()
    {
        var cut = Render<WebKnock.Proxy.Banner.Banner>(p => p.Add(b => b.Prefix, "/.webknock/").Add(b => b.Open, true).Add(b => b.RemainingSeconds, 600));

        var fold = cut.Find("button.webknock-fold");
        Assert.Equal("true", fold.GetAttribute("aria-expanded"));
        Assert.Equal("Access closes in ", cut.Find(".webknock-label").TextContent); // what folding hides
        Assert.Equal("10:00", cut.Find(".webknock-time").TextContent); // what stays
    }

    [Fact]
    public void Without_a_session_the_button_is_disabled_and_says_why()
    {
        var cut = Render<WebKnock.Proxy.Banner.Banner>(p => p.Add(b => b.Prefix, "/.webknock/").Add(b => b.Open, true).Add(b => b.RemainingSeconds, 600));

        var button = cut.Find("button.webknock-extend");
        Assert.True(button.HasAttribute("disabled"));
        Assert.Contains("Sign in", button.GetAttribute("title"));
    }

    [Fact]
    public void Uses_the_gateway_prefix_for_its_script_style_and_endpoints_and_has_no_inline_script()
    {
        var cut = Render<WebKnock.Proxy.Banner.Banner>(p => p.Add(b => b.Prefix, "/gw/").Add(b => b.Open, true).Add(b => b.RemainingSeconds, 600));

        Assert.Equal("/gw/banner.js", cut.Find("script").GetAttribute("src"));
        Assert.Equal(string.Empty, cut.Find("script").TextContent);
        Assert.Equal("/gw/banner.css", cut.Find("link").GetAttribute("href"));
        Assert.Equal("/gw/extend", cut.Find("#webknock-banner").GetAttribute("data-extend"));
        Assert.Equal("/gw/status", cut.Find("#webknock-banner").GetAttribute("data-status"));
    }

    [Fact]
    public void Inline_it_carries_its_style_and_script_and_links_nothing()
    {
        var cut = Render<WebKnock.Proxy.Banner.Banner>(p => p.Add(b => b.Prefix, "/gw/").Add(b => b.Open, true).Add(b => b.RemainingSeconds, 600)
            .Add(b => b.InlineStyle, "#webknock-banner { color: red; }")
            .Add(b => b.InlineScript, "(function () { 'use strict';\nvar x = 1;\n})();")
            .Add(b => b.AssetVersion, "abc123"));

        Assert.Empty(cut.FindAll("link"));
        Assert.False(cut.Find("script").HasAttribute("src"));
        Assert.Equal("(function () { 'use strict';\nvar x = 1;\n})();", cut.Find("script").TextContent);
        Assert.Equal("#webknock-banner { color: red; }", cut.Find("style").TextContent);
        // The script comes after the elements it works on, as the deferred file did.
        Assert.Null(cut.Find("script").NextElementSibling);
    }

    [Fact]
    public void Linked_with_a_version_its_files_have_it_in_their_urls()
    {
        var cut = Render<WebKnock.Proxy.Banner.Banner>(p => p.Add(b => b.Prefix, "/gw/").Add(b => b.Open, true).Add(b => b.RemainingSeconds, 600)
            .Add(b => b.AssetVersion, "abc123"));

        Assert.Equal("/gw/banner.js?v=abc123", cut.Find("script").GetAttribute("src"));
        Assert.True(cut.Find("script").HasAttribute("defer"));
        Assert.Equal("/gw/banner.css?v=abc123", cut.Find("link").GetAttribute("href"));
        Assert.Empty(cut.FindAll("style"));
    }

    [Fact]
    public void Ascii_conversion_escapes_everything_else()
    {
        var bytes = BannerRenderer.ToAscii("caf\u00e9 \U0001F600");
        Assert.All(bytes, b => Assert.True(b < 128));
        Assert.Equal("caf&#233; &#128512;", Encoding.ASCII.GetString(bytes));
    }
}
