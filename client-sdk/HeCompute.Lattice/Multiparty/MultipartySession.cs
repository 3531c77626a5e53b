using System.Buffers.Binary;
using System.Security.Cryptography;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Multiparty;

/// <summary>
/// What every party of one key ceremony agrees on: the parameters, the common reference string, the number of parties
/// N and the decryption threshold t (t = N: every party must take part; t &lt; N: any t of them, after Shamir
/// re-sharing). Parties are numbered 0..N−1. Its <see cref="SessionId"/> binds every share, so a share made for
/// another ceremony, other parameters or another party count is refused.
/// </summary>
public sealed class MultipartySession
{
    /// <summary>Most parties a session may have: it bounds what one step allocates (one share per party).</summary>
    public const int MaxParties = 1024;

    private readonly byte[] _sessionId;

    /// <summary>Creates the session description.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 or more than <see cref="MaxParties"/> parties, or a threshold outside 1..N.</exception>
    /// <exception cref="InvalidOperationException">The parameters have no special prime, so no key switching.</exception>
    public MultipartySession(Parameters parameters, CommonReference commonReference, int parties, int threshold)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(commonReference);
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parties, MaxParties);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, parties);
        if (!parameters.SupportsKeySwitching)
        {
            throw new InvalidOperationException("These parameters have a single prime, so there is no special prime for the collective key-switching keys.");
        }

        Parameters = parameters;
        CommonReference = commonReference;
        Parties = parties;
        Threshold = threshold;

        Span<byte> tail = stackalloc byte[ParmsId.ByteCount + 8];
        parameters.KeyParmsId.Write(tail);
        BinaryPrimitives.WriteInt32LittleEndian(tail[ParmsId.ByteCount..], parties);
        BinaryPrimitives.WriteInt32LittleEndian(tail[(ParmsId.ByteCount + 4)..], threshold);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("HeCompute.Multiparty.Session.v1"u8);
        hash.AppendData(commonReference.SeedSpan);
        hash.AppendData(tail);
        _sessionId = hash.GetHashAndReset();
    }

    /// <summary>Creates an N-out-of-N session (every party needed to decrypt).</summary>
    public MultipartySession(Parameters parameters, CommonReference commonReference, int parties)
        : this(parameters, commonReference, parties, parties)
    {
    }

    /// <summary>The encryption parameters.</summary>
    public Parameters Parameters { get; }

    /// <summary>The common reference string.</summary>
    public CommonReference CommonReference { get; }

    /// <summary>Number of parties N.</summary>
    public int Parties { get; }

    /// <summary>Parties needed to decrypt (t; equal to <see cref="Parties"/> in N-out-of-N mode).</summary>
    public int Threshold { get; }

    /// <summary>Whether decryption needs only t &lt; N parties (their secrets are then Shamir shares).</summary>
    public bool IsThreshold => Threshold < Parties;

    /// <summary>SHA-256 of the common seed, the key level's parms_id, N and t: written into every share.</summary>
    public byte[] SessionId => (byte[])_sessionId.Clone();

    internal ReadOnlySpan<byte> SessionIdSpan => _sessionId;

    internal Level KeyLevel => Parameters.KeyLevel;

    /// <summary>Key-switching digits: one per data prime (SEAL's decomposition).</summary>
    internal int Digits => Parameters.FirstLevel.CoeffModulusSize;

    internal void RequireParty(int party, string name)
    {
        if ((uint)party >= (uint)Parties)
        {
            throw new ArgumentOutOfRangeException(name, party, $"Parties are numbered 0..{Parties - 1}.");
        }
    }

    internal SecretKey RequireSecret(SecretKey secret, string name) => SecretKey.RequireOf(Parameters, secret, name);
}
