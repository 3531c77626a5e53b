using System.Text.Json;
using HeCompute.Contracts;

namespace HeCompute.Server.Endpoints;

/// <summary>Streams items as JSON lines (<c>application/x-ndjson</c>), one object per line.</summary>
public sealed class JsonLinesResult<T>(IAsyncEnumerable<T> items) : IResult
{
    /// <summary>The media type.</summary>
    public const string ContentType = "application/x-ndjson";

    private static readonly ReadOnlyMemory<byte> NewLine = new byte[] { (byte)'\n' };

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.ContentType = ContentType;
        var body = httpContext.Response.Body;
        await foreach (var item in items.WithCancellation(httpContext.RequestAborted).ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(body, item, HeComputeJson.Options, httpContext.RequestAborted).ConfigureAwait(false);
            await body.WriteAsync(NewLine, httpContext.RequestAborted).ConfigureAwait(false);
        }

        await body.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }
}
