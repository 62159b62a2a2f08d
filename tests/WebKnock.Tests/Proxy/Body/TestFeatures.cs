using Microsoft.AspNetCore.Http.Features;

namespace WebKnock.Tests.Proxy.Body;

internal sealed class BodyControl : IHttpBodyControlFeature
{
    public bool AllowSynchronousIO { get; set; }
}

internal sealed class RecordingBodyFeature(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    public bool BufferingDisabled { get; private set; }

    public int Starts { get; private set; }

    public Stream Stream => inner.Stream;

    public System.IO.Pipelines.PipeWriter Writer => inner.Writer;

    public void DisableBuffering() => BufferingDisabled = true;

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        Starts++;
        return inner.StartAsync(cancellationToken);
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => inner.CompleteAsync();
}
