using System.Security.Cryptography;

namespace HeCompute.Server.Storage.AtRest;

/// <summary>
/// Reads a plaintext source and yields its <see cref="BlobEnvelope"/>, so the inner store only ever receives (and
/// writes to its temporary file) ciphertext. On the way it hashes and counts the plaintext, which names the blob, and
/// refuses more than the limit exactly as a store would.
/// </summary>
internal sealed class EnvelopeEncryptingStream : Stream
{
    private readonly Stream _source;
    private readonly long _maxBytes;
    private readonly AesGcm _cipher;
    private readonly byte[] _header;
    private readonly byte[] _plain = new byte[BlobEnvelope.ChunkSize];
    private readonly byte[] _out = new byte[BlobEnvelope.HeaderLength + BlobEnvelope.ChunkSize + BlobEnvelope.TagLength];
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _outOffset;
    private int _outLength;
    private long _chunk;
    private bool _finalSent;
    private byte[]? _sha256;

    public EnvelopeEncryptingStream(Stream source, long maxBytes, DataKey dataKey)
    {
        _source = source;
        _maxBytes = maxBytes;
        _header = BlobEnvelope.NewHeader(dataKey.Id);
        _cipher = BlobEnvelope.CipherFor(dataKey.Key, _header);
    }

    /// <summary>Plaintext bytes read so far (all of them once the stream has ended).</summary>
    public long PlaintextLength { get; private set; }

    /// <summary>Hex SHA-256 of the plaintext; only once the stream has ended.</summary>
    public string PlaintextSha256 => _sha256 is { } hash ? Convert.ToHexStringLower(hash) : throw new InvalidOperationException("The stream has not ended.");

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_outOffset == _outLength && !_finalSent)
        {
            var filled = 0;
            int read;
            while (filled < _plain.Length && (read = _source.Read(_plain, filled, _plain.Length - filled)) > 0)
            {
                filled += read;
            }

            Seal(filled);
        }

        return Drain(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_outOffset == _outLength && !_finalSent)
        {
            var filled = 0;
            int read;
            while (filled < _plain.Length && (read = await _source.ReadAsync(_plain.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += read;
            }

            Seal(filled);
        }

        return Drain(buffer.Span);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _cipher.Dispose();
            _hash.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
        }

        base.Dispose(disposing);
    }

    // Encrypts the next chunk (a short one is the last) into the output buffer, after the header on the first call.
    private void Seal(int filled)
    {
        PlaintextLength += filled;
        if (PlaintextLength > _maxBytes)
        {
            throw new PayloadTooLargeException($"The body is larger than the allowed {_maxBytes} bytes.", _maxBytes);
        }

        _hash.AppendData(_plain, 0, filled);
        var final = filled < _plain.Length;
        Span<byte> nonce = stackalloc byte[BlobEnvelope.NonceLength];
        BlobEnvelope.Nonce(nonce, _chunk, final);
        var offset = _chunk == 0 ? _header.Length : 0;
        _header.AsSpan(0, offset).CopyTo(_out);
        _cipher.Encrypt(nonce, _plain.AsSpan(0, filled), _out.AsSpan(offset, filled), _out.AsSpan(offset + filled, BlobEnvelope.TagLength), _header);
        _chunk++;
        _outOffset = 0;
        _outLength = offset + filled + BlobEnvelope.TagLength;
        if (final)
        {
            _finalSent = true;
            _sha256 = _hash.GetHashAndReset();
        }
    }

    private int Drain(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _outLength - _outOffset);
        _out.AsSpan(_outOffset, count).CopyTo(buffer);
        _outOffset += count;
        return count;
    }
}
