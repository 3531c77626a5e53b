using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Server.Errors;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace HeCompute.Server.Endpoints;

/// <summary>
/// Kestrel refuses a request it cannot parse (no or a bad Host, a bad Content-Length, a request line over its limit)
/// before any middleware runs, with an empty body, and offers no hook to change that. This connection middleware
/// recognises exactly that answer in the HTTP/1.1 byte stream (a 4xx status line followed by only Content-Length: 0,
/// Connection: close, Date and Server; an answer of the app always carries the security headers) and sends the same
/// status as problem details.
/// </summary>
internal static class BareKestrelErrors
{
    /// <summary>The longest answer looked at: Kestrel's bare refusals are about 130 bytes.</summary>
    private const int MaxBareAnswerBytes = 512;

    /// <summary>Adds the middleware to an endpoint (plain HTTP/1.1: under TLS it sits below the decryption and passes everything on).</summary>
    public static void Use(ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => async connection =>
        {
            var transport = connection.Transport;
            connection.Transport = new DuplexPipe(transport.Input, new RewritingWriter(transport.Output));
            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                connection.Transport = transport;
            }
        });
    }

    /// <summary>The problem answer for a bare Kestrel refusal, or null when <paramref name="answer"/> is anything else.</summary>
    internal static byte[]? Rewrite(ReadOnlySpan<byte> answer)
    {
        if (answer.Length > MaxBareAnswerBytes || !answer.StartsWith("HTTP/1.1 4"u8))
        {
            return null;
        }

        var lines = Encoding.ASCII.GetString(answer).Split("\r\n");
        // Status line, headers, then the empty line that ends the head and nothing after it.
        if (lines.Length < 5 || lines[^1].Length != 0 || lines[^2].Length != 0
            || !int.TryParse(lines[0].AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return null;
        }

        string? date = null;
        string? server = null;
        var length = false;
        var close = false;
        foreach (var line in lines[1..^2])
        {
            if (line == "Content-Length: 0")
            {
                length = true;
            }
            else if (line == "Connection: close")
            {
                close = true;
            }
            else if (line.StartsWith("Date: ", StringComparison.Ordinal))
            {
                date = line;
            }
            else if (line.StartsWith("Server: ", StringComparison.Ordinal))
            {
                server = line;
            }
            else
            {
                return null;
            }
        }

        if (!length || !close || date is null)
        {
            return null;
        }

        var reason = ReasonPhrases.GetReasonPhrase(status);
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = ProblemDetailsDefaults.TypeFor(status) ?? ProblemTypes.BadRequest,
            ["title"] = reason,
            ["status"] = status,
            ["detail"] = status == StatusCodes.Status414UriTooLong
                ? "The request line is longer than the server reads; send large inputs in the body."
                : "The request is not valid HTTP/1.1 (its request line, Host header, headers or framing), so it did not reach the API.",
        });
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{lines[0]}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: application/problem+json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n")
            .Append(CultureInfo.InvariantCulture, $"{date}\r\n")
            .Append(server is null ? "" : server + "\r\n")
            .Append("Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>Holds what Kestrel writes until it flushes, so a whole answer can be looked at before it leaves.</summary>
    private sealed class RewritingWriter(PipeWriter inner) : PipeWriter
    {
        private ArrayBufferWriter<byte> _pending = new();

        // Kestrel passes these through, and System.Text.Json sizes its flushes by them.
        public override bool CanGetUnflushedBytes => true;

        public override long UnflushedBytes => _pending.WrittenCount;

        public override void Advance(int bytes) => _pending.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _pending.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _pending.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Forward();
            return inner.FlushAsync(cancellationToken);
        }

        public override void Complete(Exception? exception = null)
        {
            Forward();
            inner.Complete(exception);
        }

        public override async ValueTask CompleteAsync(Exception? exception = null)
        {
            Forward();
            await inner.CompleteAsync(exception).ConfigureAwait(false);
        }

        private void Forward()
        {
            if (_pending.WrittenCount == 0)
            {
                return;
            }

            if (Rewrite(_pending.WrittenSpan) is { } problem)
            {
                inner.Write(problem);
            }
            else
            {
                inner.Write(_pending.WrittenSpan);
            }

            // A large answer's buffer is not kept for the rest of the connection.
            if (_pending.Capacity > 1 << 16)
            {
                _pending = new ArrayBufferWriter<byte>();
            }
            else
            {
                _pending.ResetWrittenCount();
            }
        }
    }
}
