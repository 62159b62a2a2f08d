using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Options;
using WebKnock.Configuration;

namespace WebKnock.Proxy.Banner;

/// <summary>What the banner shows for one request.</summary>
internal readonly record struct BannerState(bool Open, int RemainingSeconds, bool CanExtend)
{
    /// <summary>Link the banner's files instead of carrying them inline (for a page whose answer has a CSP).</summary>
    public bool Linked { get; init; }
}

/// <summary>Renders <see cref="Banner"/> with HtmlRenderer to ASCII bytes, ready to inject.</summary>
internal sealed class BannerRenderer(IServiceProvider services, ILoggerFactory loggerFactory, IOptions<WebKnockOptions> options, BannerAssets? assets = null)
{
    private readonly WebKnockOptions _options = options.Value;
    private readonly BannerAssets _assets = assets ?? BannerAssets.None;

    /// <summary>Whether <see cref="BannerState.Linked"/> renders differently (the files can go inline at all).</summary>
    public bool Inlines => _assets.Style is not null || _assets.Script is not null;

    // The banner depends only on its state, and a state lasts a second: keep the recent renderings.
    private const int MaxCached = 4096;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<BannerState, byte[]> _cache = new();

    public async Task<byte[]> RenderAsync(BannerState state)
    {
        if (_cache.TryGetValue(state, out var cached))
        {
            return cached;
        }

        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        var bytes = await RenderUncachedAsync(state);
        _cache[state] = bytes;
        return bytes;
    }

    private async Task<byte[]> RenderUncachedAsync(BannerState state)
    {
        await using var renderer = new HtmlRenderer(services, loggerFactory);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(Banner.Prefix)] = _options.PathPrefix,
                [nameof(Banner.Open)] = state.Open,
                [nameof(Banner.RemainingSeconds)] = state.RemainingSeconds,
                [nameof(Banner.WarnSeconds)] = (int)_options.Banner.WarnBefore.TotalSeconds,
                [nameof(Banner.RefreshSeconds)] = (int)_options.Banner.RefreshInterval.TotalSeconds,
                [nameof(Banner.CanExtend)] = state.CanExtend,
                [nameof(Banner.InlineStyle)] = state.Linked ? null : _assets.Style,
                [nameof(Banner.InlineScript)] = state.Linked ? null : _assets.Script,
                [nameof(Banner.AssetVersion)] = _assets.Version,
            });
            var output = await renderer.RenderComponentAsync<Banner>(parameters);
            return output.ToHtmlString();
        });
        return ToAscii(html);
    }

    /// <summary>Every character outside ASCII becomes a numeric reference, so the page's charset never matters.</summary>
    internal static byte[] ToAscii(string html)
    {
        var sb = new StringBuilder(html.Length);
        foreach (var rune in html.EnumerateRunes())
        {
            if (rune.IsAscii)
            {
                sb.Append((char)rune.Value);
            }
            else
            {
                sb.Append("&#").Append(rune.Value).Append(';');
            }
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
