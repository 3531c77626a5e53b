using System.Numerics;
using System.Runtime.CompilerServices;

namespace HeCompute.Lattice.Ring;

/// <summary>
/// A modulus q with 2 &lt;= q &lt; 2^61 together with its Barrett constant floor(2^128 / q),
/// stored as two 64-bit words.
/// </summary>
/// <remarks>
/// The upper bound keeps 4q below 2^63, which the lazy NTT butterflies and the
/// vectorised reductions rely on to never overflow a 64-bit lane.
/// </remarks>
internal readonly struct SmallModulus : IEquatable<SmallModulus>
{
    /// <summary>The exclusive upper bound for a modulus value (2^61).</summary>
    public const ulong MaxValueExclusive = 1UL << 61;

    /// <summary>Creates a modulus and precomputes its Barrett constant.</summary>
    /// <param name="value">The modulus q; must satisfy 2 &lt;= q &lt; 2^61.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is outside [2, 2^61).</exception>
    public SmallModulus(ulong value)
    {
        if (value < 2 || value >= MaxValueExclusive)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Modulus must be in [2, 2^61).");
        }

        Value = value;
        BitCount = 64 - BitOperations.LeadingZeroCount(value);

        // 2^128 itself is not representable; floor((2^128 - 1) / q) differs from
        // floor(2^128 / q) only when q divides 2^128, i.e. when q is a power of two.
        UInt128 ratio = UInt128.MaxValue / value;
        if (BitOperations.IsPow2(value))
        {
            ratio++;
        }

        BarrettHi = (ulong)(ratio >> 64);
        BarrettLo = (ulong)ratio;
    }

    /// <summary>The modulus q.</summary>
    public ulong Value { get; }

    /// <summary>The number of significant bits of q.</summary>
    public int BitCount { get; }

    /// <summary>The high word of floor(2^128 / q).</summary>
    public ulong BarrettHi { get; }

    /// <summary>The low word of floor(2^128 / q).</summary>
    public ulong BarrettLo { get; }

    /// <summary>Returns x mod q for any 64-bit x.</summary>
    /// <param name="x">The value to reduce.</param>
    /// <returns>x mod q, in [0, q).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(ulong x)
    {
        // BarrettHi = floor(2^64 / q), so the estimated quotient is short by at most 1
        // and a single conditional subtraction finishes the job.
        ulong estimate = Math.BigMul(x, BarrettHi, out _);
        ulong r = x - estimate * Value;
        return ModArith.SubtractIfAtLeast(r, Value);
    }

    /// <summary>Returns (hi * 2^64 + lo) mod q for any 128-bit value.</summary>
    /// <param name="hi">The high word.</param>
    /// <param name="lo">The low word.</param>
    /// <returns>The residue in [0, q).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce128(ulong hi, ulong lo)
    {
        // floor(x * floor(2^128/q) / 2^128) is computed exactly (modulo 2^64, which is
        // all the final subtraction needs); it undershoots floor(x / q) by at most 1.
        ulong loTimesLoHi = Math.BigMul(lo, BarrettLo, out _);
        ulong hiTimesLoHi = Math.BigMul(hi, BarrettLo, out ulong hiTimesLoLo);
        ulong loTimesHiHi = Math.BigMul(lo, BarrettHi, out ulong loTimesHiLo);

        ulong middle = hiTimesLoLo + loTimesLoHi;
        ulong carry = middle < hiTimesLoLo ? 1UL : 0UL;
        ulong middle2 = middle + loTimesHiLo;
        carry += middle2 < middle ? 1UL : 0UL;

        ulong quotient = hi * BarrettHi + hiTimesLoHi + loTimesHiHi + carry;
        ulong r = lo - quotient * Value;
        return ModArith.SubtractIfAtLeast(r, Value);
    }

    /// <inheritdoc />
    public bool Equals(SmallModulus other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SmallModulus other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Compares two moduli by value.</summary>
    /// <param name="left">The first modulus.</param>
    /// <param name="right">The second modulus.</param>
    /// <returns><see langword="true"/> when both have the same value.</returns>
    public static bool operator ==(SmallModulus left, SmallModulus right) => left.Equals(right);

    /// <summary>Compares two moduli by value.</summary>
    /// <param name="left">The first modulus.</param>
    /// <param name="right">The second modulus.</param>
    /// <returns><see langword="true"/> when the values differ.</returns>
    public static bool operator !=(SmallModulus left, SmallModulus right) => !left.Equals(right);
}
