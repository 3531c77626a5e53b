using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using HeCompute.Lattice.Hashing;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Lattice.Multiparty;

/// <summary>
/// The secret randomness of one share (its masks u, noise e, flooding), derived from the party's secret and what the
/// share is for, as deterministic signatures derive their nonce: HMAC-SHA-512 keyed with SHA-512 of the secret, over
/// the session id, kind, party, Galois element and target, seeds SEAL's BLAKE2xb PRNG. Asked twice for the same step, a
/// party therefore sends the same share, which tells nothing new — a re-sent share with fresh randomness would be a
/// second noisy sample of the same secret-dependent value. It also lets the relinearization rounds run in separate
/// processes: round two re-derives round one's ephemeral u_i instead of storing it.
/// </summary>
internal static class PartyRandomness
{
    private static readonly byte[] KeyDomain = "HeCompute.Multiparty.PartyKey.v1"u8.ToArray();

    /// <summary>What a stream is for, so that two streams of one share never coincide.</summary>
    public enum Purpose : uint
    {
        Share = 1,
        RelinEphemeral = 2,
    }

    /// <summary>The generator of one share's randomness; dispose it when done.</summary>
    public static UniformRandomGenerator Create(SecretKey secret, MultipartySession session, Purpose purpose, ShareKind kind, int party, uint galoisElement, ReadOnlySpan<byte> target)
    {
        Span<byte> key = stackalloc byte[64];
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
        {
            hash.AppendData(KeyDomain);
            hash.AppendData(MemoryMarshal.AsBytes(secret.Data.Data));
            hash.GetHashAndReset(key);
        }

        Span<byte> context = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(context, (uint)purpose);
        BinaryPrimitives.WriteUInt32LittleEndian(context[4..], (uint)kind);
        BinaryPrimitives.WriteInt32LittleEndian(context[8..], party);
        BinaryPrimitives.WriteUInt32LittleEndian(context[12..], galoisElement);
        Span<ulong> seed = stackalloc ulong[UniformRandomGenerator.SeedWordCount];
        using (var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA512, key))
        {
            mac.AppendData(session.SessionIdSpan);
            mac.AppendData(context);
            mac.AppendData(target);
            mac.GetHashAndReset(MemoryMarshal.AsBytes(seed));
        }

        CryptographicOperations.ZeroMemory(key);
        try
        {
            return PrngFactory.Create(PrngType.Blake2xb, seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(seed));
        }
    }
}
