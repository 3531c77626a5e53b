using System.Security.Cryptography;
using HeCompute.Server.Errors;

namespace HeCompute.Server.Storage.AtRest;

/// <summary>
/// Reads a stored blob and yields its plaintext, one authenticated chunk at a time: no byte leaves before its chunk's
/// tag verified. When the last chunk is read the plaintext's SHA-256 must equal the blob's name, so an envelope copied
/// over another blob's file is refused too. A blob written before encryption at rest (no envelope magic) is passed
/// through, checked against its name the same way.
/// </summary>
internal sealed class EnvelopeDecryptingStream : Stream
{
    private readonly Stream _inner;
    private readonly string _sha256;
    private readonly AtRestKeyring _keyring;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _header = [];
    private AesGcm? _cipher;
    private byte[] _in = [];
    private byte[] _plain = [];
    private int _plainOffset;
    private int _plainLength;
    private long _chunk;
    private bool _started;
    private bool _legacy;
    private bool _ended;

    public EnvelopeDecryptingStream(Stream inner, string sha256, AtRestKeyring keyring)
    {
        _inner = inner;
        _sha256 = sha256;
        _keyring = keyring;
    }

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
        while (_plainOffset == _plainLength && !_ended)
        {
            var filled = Fill(sync: true, CancellationToken.None).GetAwaiter().GetResult();
            Open(filled);
        }

        return Drain(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_plainOffset == _plainLength && !_ended)
        {
            var filled = await Fill(sync: false, cancellationToken).ConfigureAwait(false);
            Open(filled);
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
            _inner.Dispose();
            _cipher?.Dispose();
            _hash.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    // Reads the header on the first call, then the next stored chunk (short at the end) into the input buffer, or
    // for a legacy blob the next plaintext bytes into the output buffer.
    private async ValueTask<int> Fill(bool sync, CancellationToken cancellationToken)
    {
        if (!_started)
        {
            _started = true;
            _header = new byte[BlobEnvelope.HeaderLength];
            var got = await ReadFully(_header, sync, cancellationToken).ConfigureAwait(false);
            if (!BlobEnvelope.IsEnvelope(_header.AsSpan(0, got)))
            {
                // Written before encryption at rest: the bytes read so far are content.
                _legacy = true;
                _plain = new byte[BlobEnvelope.ChunkSize];
                _header.AsSpan(0, got).CopyTo(_plain);
                return got < _header.Length ? got : got + await ReadFully(_plain.AsMemory(got), sync, cancellationToken).ConfigureAwait(false);
            }

            if (got < BlobEnvelope.HeaderLength)
            {
                throw Corrupt("its envelope header is cut short");
            }

            var (chunkSize, error) = BlobEnvelope.Check(_header);
            if (error is not null)
            {
                throw Corrupt(error);
            }

            var key = _keyring.Find(BlobEnvelope.KeyId(_header))
                ?? throw Corrupt($"it was encrypted under data key {Convert.ToHexStringLower(BlobEnvelope.KeyId(_header))}, which the keyring does not hold (was the keyring in the metadata store replaced, or the blob restored without its backup's keyring?)");
            _cipher = BlobEnvelope.CipherFor(key.Key, _header);
            _in = new byte[chunkSize + BlobEnvelope.TagLength];
            _plain = new byte[chunkSize];
        }

        return await ReadFully(_legacy ? _plain : _in, sync, cancellationToken).ConfigureAwait(false);
    }

    // Turns what Fill read into plaintext: decrypts and verifies a chunk, or takes legacy bytes as they are.
    private void Open(int filled)
    {
        _plainOffset = 0;
        if (_legacy)
        {
            _plainLength = filled;
            _hash.AppendData(_plain, 0, filled);
            if (filled < _plain.Length)
            {
                End();
            }

            return;
        }

        var cipher = _cipher!;
        if (filled < BlobEnvelope.TagLength)
        {
            throw Corrupt($"chunk {_chunk} is cut short");
        }

        var length = filled - BlobEnvelope.TagLength;
        var final = filled < _in.Length;
        Span<byte> nonce = stackalloc byte[BlobEnvelope.NonceLength];
        BlobEnvelope.Nonce(nonce, _chunk, final);
        try
        {
            cipher.Decrypt(nonce, _in.AsSpan(0, length), _in.AsSpan(length, BlobEnvelope.TagLength), _plain.AsSpan(0, length), _header);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw Corrupt($"chunk {_chunk} fails its authentication tag (altered, reordered or cut off)", e);
        }

        _chunk++;
        _plainLength = length;
        _hash.AppendData(_plain, 0, length);
        if (final)
        {
            End();
        }
    }

    private void End()
    {
        _ended = true;
        if (!CryptographicOperations.FixedTimeEquals(_hash.GetHashAndReset(), Convert.FromHexString(_sha256)))
        {
            throw Corrupt("its content is not the content it is named for (a different blob's bytes)");
        }
    }

    private int Drain(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _plainLength - _plainOffset);
        _plain.AsSpan(_plainOffset, count).CopyTo(buffer);
        _plainOffset += count;
        return count;
    }

    // Sync callers get a completed ValueTask: the inner stream is read synchronously for them.
    private async ValueTask<int> ReadFully(Memory<byte> target, bool sync, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < target.Length
               && (read = sync ? _inner.Read(target.Span[filled..]) : await _inner.ReadAsync(target[filled..], cancellationToken).ConfigureAwait(false)) > 0)
        {
            filled += read;
        }

        return filled;
    }

    private DomainException Corrupt(string why, Exception? inner = null) =>
        DomainErrors.StorageCorrupt($"Stored blob {_sha256} failed its integrity check: {why}. Restore it from a backup.", inner);
}
