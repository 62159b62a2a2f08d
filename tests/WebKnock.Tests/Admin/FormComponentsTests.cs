using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using WebKnock.Admin;
using WebKnock.Admin.Now;

namespace WebKnock.Tests.Admin;

/// <summary>Each action form posts, carries an anti-forgery token and sends the fields the Now page binds.</summary>
public sealed class FormComponentsTests : BunitContext
{
    private const string Token = "token-from-the-antiforgery-service";

    public FormComponentsTests()
    {
        Services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgery());
    }

    private static void AssertPostWithToken(AngleSharp.Dom.IElement form, string id)
    {
        Assert.Equal(id, form.Id);
        Assert.Equal("post", form.GetAttribute("method"));
        var token = form.QuerySelector("input[type=hidden][name=__RequestVerificationToken]");
        Assert.NotNull(token);
        Assert.Equal(Token, token.GetAttribute("value"));
    }

    /// <summary>What the server's anti-forgery state gives a form: here, a known token.</summary>
    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new(Token, "__RequestVerificationToken");
    }

    [Fact]
    public void The_row_forms_are_one_per_row_action_each_with_a_token()
    {
        var cut = Render<RowForms>();

        var forms = cut.FindAll("form");
        Assert.Equal(["admin-extend", "admin-close", "admin-unblock"], forms.Select(f => f.Id));
        foreach (var form in forms)
        {
            AssertPostWithToken(form, form.Id!);
        }

        Assert.Empty(cut.FindAll("#row-error"));
    }

    [Fact]
    public void The_row_forms_show_a_refusal()
    {
        var cut = Render<RowForms>(p => p.Add(f => f.Error, "198.51.100.7 has no open webmail window to close."));

        Assert.Equal("198.51.100.7 has no open webmail window to close.", cut.Find("#row-error").TextContent);
    }

    [Fact]
    public void The_open_form_offers_the_services_durations_within_the_maximum_and_typed_minutes()
    {
        var cut = Render<OpenForm>(p => p
            .Add(f => f.Services, ["webmail", "ssh"])
            .Add(f => f.MaxWindow, TimeSpan.FromHours(2))
            .Add(f => f.DefaultMinutes, 30));

        var form = cut.Find("form");
        AssertPostWithToken(form, "admin-open");
        Assert.Equal(["webmail", "ssh"], form.QuerySelectorAll("select[name=service] option").Select(o => o.GetAttribute("value")));
        Assert.NotNull(form.QuerySelector("input[name=target][required]"));
        var durations = form.QuerySelectorAll("select[name=duration] option");
        Assert.Equal(["15", "30", "60", "120"], durations.Select(o => o.GetAttribute("value")));
        Assert.Equal(["15 min", "30 min", "1 h", "2 h"], durations.Select(o => o.TextContent));
        Assert.Equal("30", durations.Single(o => o.HasAttribute("selected")).GetAttribute("value"));
        var minutes = form.QuerySelector("input[name=minutes]")!;
        Assert.Equal(("number", "1", "120"), (minutes.GetAttribute("type"), minutes.GetAttribute("min"), minutes.GetAttribute("max")));
        Assert.Empty(form.QuerySelectorAll(".admin-error"));
    }

    [Fact]
    public void The_open_form_with_one_service_sends_it_hidden_and_shows_a_refusal_with_what_was_typed()
    {
        var cut = Render<OpenForm>(p => p
            .Add(f => f.Services, ["webmail"])
            .Add(f => f.Target, "198.51.100.7/24")
            .Add(f => f.Error, "\"198.51.100.7/24\" has bits set after its /24 prefix: did you mean 198.51.100.0/24?"));

        Assert.Equal("webmail", cut.Find("input[type=hidden][name=service]").GetAttribute("value"));
        Assert.Empty(cut.FindAll("select[name=service]"));
        Assert.Equal("198.51.100.7/24", cut.Find("input[name=target]").GetAttribute("value"));
        Assert.Contains("did you mean 198.51.100.0/24?", cut.Find(".admin-error").TextContent);
    }

    [Fact]
    public void The_block_form_asks_for_an_address_and_a_duration()
    {
        var cut = Render<BlockForm>(p => p.Add(f => f.Address, "203.0.113.9").Add(f => f.Error, "Give one address to block."));

        var form = cut.Find("form");
        AssertPostWithToken(form, "admin-block");
        Assert.Equal("203.0.113.9", form.QuerySelector("input[name=address]")!.GetAttribute("value"));
        Assert.Equal(["15", "60", "240", "1440", "10080"], form.QuerySelectorAll("select[name=duration] option").Select(o => o.GetAttribute("value")));
        Assert.Equal(["15 min", "1 h", "4 h", "1 day", "7 days"], form.QuerySelectorAll("select[name=duration] option").Select(o => o.TextContent));
        Assert.NotNull(form.QuerySelector("input[name=minutes][type=number]"));
        Assert.Equal("Give one address to block.", form.QuerySelector(".admin-error")!.TextContent);
    }
}
