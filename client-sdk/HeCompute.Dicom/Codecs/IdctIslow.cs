namespace HeCompute.Dicom.Codecs;

/// <summary>The accurate integer inverse DCT of the IJG JPEG library 6b (jidctint.c, "islow"; Loeffler, Ligtenberg
/// and Moschytz with 13-bit fixed-point constants), including its range-limit wrap, so decoded samples are the
/// ones dcmtk and gdcm produce.</summary>
internal static class IdctIslow
{
    private const int ConstBits = 13;
    private const int Fix0298631336 = 2446;
    private const int Fix0390180644 = 3196;
    private const int Fix0541196100 = 4433;
    private const int Fix0765366865 = 6270;
    private const int Fix0899976223 = 7373;
    private const int Fix1175875602 = 9633;
    private const int Fix1501321110 = 12299;
    private const int Fix1847759065 = 15137;
    private const int Fix1961570560 = 16069;
    private const int Fix2053119869 = 16819;
    private const int Fix2562915447 = 20995;
    private const int Fix3072711026 = 25172;

    public static void Transform(ReadOnlySpan<short> coefficients, ushort[] quant, Span<int> output, int stride, int precision)
    {
        int pass1Bits = precision == 8 ? 2 : 1;
        int maxSample = (1 << precision) - 1;
        int center = 1 << (precision - 1);
        int rangeMask = (4 * (maxSample + 1)) - 1;
        Span<int> ws = stackalloc int[64];

        // Pass 1: columns from the input, results scaled up by 2^pass1Bits into the workspace.
        for (int col = 0; col < 8; col++)
        {
            int d0 = coefficients[col] * quant[col];
            int d1 = coefficients[8 + col] * quant[8 + col];
            int d2 = coefficients[16 + col] * quant[16 + col];
            int d3 = coefficients[24 + col] * quant[24 + col];
            int d4 = coefficients[32 + col] * quant[32 + col];
            int d5 = coefficients[40 + col] * quant[40 + col];
            int d6 = coefficients[48 + col] * quant[48 + col];
            int d7 = coefficients[56 + col] * quant[56 + col];
            if ((d1 | d2 | d3 | d4 | d5 | d6 | d7) == 0)
            {
                int dc = d0 << pass1Bits;
                for (int r = 0; r < 8; r++)
                {
                    ws[(r * 8) + col] = dc;
                }

                continue;
            }

            Butterfly(d0, d1, d2, d3, d4, d5, d6, d7, ConstBits - pass1Bits, ws, col, 8);
        }

        // Pass 2: rows from the workspace, descaled by 2^(pass1Bits + 3) and range-limited.
        int shift = ConstBits + pass1Bits + 3;
        Span<int> row = stackalloc int[8];
        for (int r = 0; r < 8; r++)
        {
            var w = ws.Slice(r * 8, 8);
            Butterfly(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], shift, row, 0, 1);
            var outRow = output.Slice(r * stride, 8);
            for (int i = 0; i < 8; i++)
            {
                // IJG: range_limit[value & RANGE_MASK], i.e. the value wrapped to a signed range of 4*(MAX+1), then clamped.
                int m = row[i] & rangeMask;
                int s = m > rangeMask >> 1 ? m - rangeMask - 1 : m;
                outRow[i] = Math.Clamp(s + center, 0, maxSample);
            }
        }
    }

    private static void Butterfly(int i0, int i1, int i2, int i3, int i4, int i5, int i6, int i7, int descale, Span<int> dst, int start, int step)
    {
        // Even part.
        int z1 = (i2 + i6) * Fix0541196100;
        int tmp2 = z1 + (i6 * -Fix1847759065);
        int tmp3 = z1 + (i2 * Fix0765366865);
        int tmp0 = (i0 + i4) << ConstBits;
        int tmp1 = (i0 - i4) << ConstBits;
        int tmp10 = tmp0 + tmp3;
        int tmp13 = tmp0 - tmp3;
        int tmp11 = tmp1 + tmp2;
        int tmp12 = tmp1 - tmp2;

        // Odd part.
        tmp0 = i7;
        tmp1 = i5;
        tmp2 = i3;
        tmp3 = i1;
        z1 = tmp0 + tmp3;
        int z2 = tmp1 + tmp2;
        int z3 = tmp0 + tmp2;
        int z4 = tmp1 + tmp3;
        int z5 = (z3 + z4) * Fix1175875602;
        tmp0 *= Fix0298631336;
        tmp1 *= Fix2053119869;
        tmp2 *= Fix3072711026;
        tmp3 *= Fix1501321110;
        z1 *= -Fix0899976223;
        z2 *= -Fix2562915447;
        z3 *= -Fix1961570560;
        z4 *= -Fix0390180644;
        z3 += z5;
        z4 += z5;
        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;

        int round = 1 << (descale - 1);
        dst[start] = (tmp10 + tmp3 + round) >> descale;
        dst[start + (7 * step)] = (tmp10 - tmp3 + round) >> descale;
        dst[start + step] = (tmp11 + tmp2 + round) >> descale;
        dst[start + (6 * step)] = (tmp11 - tmp2 + round) >> descale;
        dst[start + (2 * step)] = (tmp12 + tmp1 + round) >> descale;
        dst[start + (5 * step)] = (tmp12 - tmp1 + round) >> descale;
        dst[start + (3 * step)] = (tmp13 + tmp0 + round) >> descale;
        dst[start + (4 * step)] = (tmp13 - tmp0 + round) >> descale;
    }
}
