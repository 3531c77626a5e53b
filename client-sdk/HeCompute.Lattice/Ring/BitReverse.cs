using System.Runtime.CompilerServices;

namespace HeCompute.Lattice.Ring;

/// <summary>Bit-reversal of indices, as used by the NTT output order.</summary>
internal static class BitReverse
{
    /// <summary>Reverses the low <paramref name="bitCount"/> bits of <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Reverse(uint value, int bitCount)
    {
        if (bitCount == 0)
        {
            return 0;
        }

        value = ((value >> 1) & 0x55555555u) | ((value & 0x55555555u) << 1);
        value = ((value >> 2) & 0x33333333u) | ((value & 0x33333333u) << 2);
        value = ((value >> 4) & 0x0F0F0F0Fu) | ((value & 0x0F0F0F0Fu) << 4);
        value = ((value >> 8) & 0x00FF00FFu) | ((value & 0x00FF00FFu) << 8);
        value = (value >> 16) | (value << 16);
        return value >> (32 - bitCount);
    }
}
