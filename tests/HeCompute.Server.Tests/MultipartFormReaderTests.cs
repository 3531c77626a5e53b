using System.Net.Http.Headers;
using HeCompute.Contracts;
using HeCompute.Server.Endpoints;
using HeCompute.Server.Errors;
using Microsoft.AspNetCore.Http;

namespace HeCompute.Server.Tests;

public sealed class MultipartFormReaderTests
{
    [Fact]
    public async Task Parts_come_in_order_with_their_bodies()
    {
        using var form = Form(("first", [1, 2, 3]), ("second", [4]));
        var reader = MultipartFormReader.Open((await RequestAsync(form)).Request, 1 << 20, "usage");
        var parts = new List<(string, byte[])>();
        while (await reader.NextAsync(CancellationToken.None) is (var name, var body))
        {
            parts.Add((name, await MultipartFormReader.ReadBytesAsync(body, 16, name, CancellationToken.None)));
        }

        Assert.Equal(["first", "second"], parts.Select(p => p.Item1));
        Assert.Equal([1, 2, 3], parts[0].Item2);
        Assert.Equal([4], parts[1].Item2);
    }

    [Fact]
    public async Task A_duplicate_part_is_refused_unless_it_may_repeat()
    {
        using var form = Form(("input", [1]), ("input", [2]));
        var context = await RequestAsync(form);
        var reader = MultipartFormReader.Open(context.Request, 1 << 20, "usage");
        Assert.NotNull(await reader.NextAsync(CancellationToken.None));
        var error = await Assert.ThrowsAsync<DomainException>(() => reader.NextAsync(CancellationToken.None));
        Assert.Equal(DomainErrorKind.Malformed, error.Kind);
        Assert.Equal("Part 'input' appears twice.", error.Detail);

        context.Request.Body.Position = 0;
        var repeating = MultipartFormReader.Open(context.Request, 1 << 20, "usage", ["input"]);
        Assert.NotNull(await repeating.NextAsync(CancellationToken.None));
        Assert.NotNull(await repeating.NextAsync(CancellationToken.None));
        Assert.Null(await repeating.NextAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_part_is_refused_as_invalid()
    {
        using var form = Form((OnnxImportParts.Onnx, [8, 1]));
        var request = (await RequestAsync(form)).Request;
        var error = await Assert.ThrowsAsync<DomainException>(() => OnnxUploadReader.ReadAsync(request, 1 << 20, CancellationToken.None));
        Assert.Equal(DomainErrorKind.Invalid, error.Kind);
        Assert.Contains($"'{OnnxImportParts.Options}'", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_part_is_refused_as_too_large()
    {
        using var form = Form((OnnxImportParts.Onnx, new byte[2048]), (OnnxImportParts.Options, "{}"u8.ToArray()));
        var request = (await RequestAsync(form)).Request;
        var error = await Assert.ThrowsAsync<DomainException>(() => OnnxUploadReader.ReadAsync(request, 1024, CancellationToken.None));
        Assert.Equal(DomainErrorKind.PayloadTooLarge, error.Kind);
        Assert.Equal("The ONNX file is larger than the 1024 bytes allowed.", error.Detail);
    }

    [Fact]
    public async Task The_opening_refuses_another_media_type_a_declared_length_over_the_limit_and_a_part_without_a_name()
    {
        var json = new DefaultHttpContext();
        json.Request.ContentType = "application/json";
        var wrongType = Assert.Throws<DomainException>(() => MultipartFormReader.Open(json.Request, 1 << 20, "Send multipart."));
        Assert.Equal((DomainErrorKind.UnsupportedMediaType, "Send multipart."), (wrongType.Kind, wrongType.Detail));

        using var form = Form(("part", new byte[512]));
        var large = await RequestAsync(form);
        var tooLarge = Assert.Throws<DomainException>(() => MultipartFormReader.Open(large.Request, 100, "usage"));
        Assert.Equal(DomainErrorKind.PayloadTooLarge, tooLarge.Kind);

        using var unnamed = new MultipartFormDataContent();
        var content = new ByteArrayContent([1]);
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment");
        unnamed.Add(content);
        var reader = MultipartFormReader.Open((await RequestAsync(unnamed)).Request, 1 << 20, "usage");
        var noName = await Assert.ThrowsAsync<DomainException>(() => reader.NextAsync(CancellationToken.None));
        Assert.Equal(DomainErrorKind.Malformed, noName.Kind);
    }

    private static MultipartFormDataContent Form(params (string Name, byte[] Bytes)[] parts)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in parts)
        {
            form.Add(new ByteArrayContent(bytes), name, name + ".bin");
        }

        return form;
    }

    private static async Task<DefaultHttpContext> RequestAsync(MultipartFormDataContent form)
    {
        var body = new MemoryStream();
        await form.CopyToAsync(body);
        body.Position = 0;
        var context = new DefaultHttpContext();
        context.Request.ContentType = form.Headers.ContentType!.ToString();
        context.Request.ContentLength = body.Length;
        context.Request.Body = body;
        return context;
    }
}
