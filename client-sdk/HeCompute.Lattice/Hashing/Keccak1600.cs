using System.Buffers.Binary;
using System.Numerics;

namespace HeCompute.Lattice.Hashing;

/// <summary>
/// SHAKE256 (FIPS 202) on a portable Keccak-f[1600], for hosts where
/// <see cref="System.Security.Cryptography.Shake256.IsSupported"/> is false.
/// </summary>
internal static class Keccak1600
{
    public const int Shake256RateBytes = 136;

    private const int Lanes = 25;

    private static ReadOnlySpan<ulong> RoundConstants =>
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808AUL, 0x8000000080008000UL,
        0x000000000000808BUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008AUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000AUL,
        0x000000008000808BUL, 0x800000000000008BUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800AUL, 0x800000008000000AUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    // rho offsets and pi destinations, walked along the pi orbit starting at lane 1.
    private static ReadOnlySpan<byte> RhoOffsets =>
        [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44];

    private static ReadOnlySpan<byte> PiLanes =>
        [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1];

    /// <summary>One-shot SHAKE256: absorbs all of <paramref name="input"/>, squeezes <c>output.Length</c> bytes.</summary>
    public static void Shake256(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<ulong> state = stackalloc ulong[Lanes];
        state.Clear();

        while (input.Length >= Shake256RateBytes)
        {
            XorBlock(state, input[..Shake256RateBytes]);
            Permute(state);
            input = input[Shake256RateBytes..];
        }

        Span<byte> last = stackalloc byte[Shake256RateBytes];
        last.Clear();
        input.CopyTo(last);

        // SHAKE domain bits 1111 followed by the first bit of pad10*1; the final 1 bit closes the block.
        last[input.Length] ^= 0x1F;
        last[Shake256RateBytes - 1] ^= 0x80;
        XorBlock(state, last);
        Permute(state);

        while (true)
        {
            int take = Math.Min(Shake256RateBytes, output.Length);
            for (int lane = 0; lane < Shake256RateBytes / sizeof(ulong); lane++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(last[(lane * sizeof(ulong))..], state[lane]);
            }

            last[..take].CopyTo(output);
            output = output[take..];
            if (output.IsEmpty)
            {
                break;
            }

            Permute(state);
        }

        last.Clear();
        state.Clear();
    }

    private static void XorBlock(Span<ulong> state, ReadOnlySpan<byte> block)
    {
        for (int lane = 0; lane < Shake256RateBytes / sizeof(ulong); lane++)
        {
            state[lane] ^= BinaryPrimitives.ReadUInt64LittleEndian(block[(lane * sizeof(ulong))..]);
        }
    }

    internal static void Permute(Span<ulong> a)
    {
        Span<ulong> c = stackalloc ulong[5];
        ReadOnlySpan<byte> rho = RhoOffsets;
        ReadOnlySpan<byte> pi = PiLanes;
        foreach (ulong roundConstant in RoundConstants)
        {
            // theta
            for (int x = 0; x < 5; x++)
            {
                c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
            }

            for (int x = 0; x < 5; x++)
            {
                ulong d = c[(x + 4) % 5] ^ BitOperations.RotateLeft(c[(x + 1) % 5], 1);
                for (int y = 0; y < Lanes; y += 5)
                {
                    a[y + x] ^= d;
                }
            }

            // rho and pi together
            ulong carried = a[1];
            for (int i = 0; i < 24; i++)
            {
                int target = pi[i];
                ulong displaced = a[target];
                a[target] = BitOperations.RotateLeft(carried, rho[i]);
                carried = displaced;
            }

            // chi
            for (int y = 0; y < Lanes; y += 5)
            {
                for (int x = 0; x < 5; x++)
                {
                    c[x] = a[y + x];
                }

                for (int x = 0; x < 5; x++)
                {
                    a[y + x] = c[x] ^ (~c[(x + 1) % 5] & c[(x + 2) % 5]);
                }
            }

            // iota
            a[0] ^= roundConstant;
        }
    }
}
