using System.Numerics;

namespace HeCompute.Dicom.Codecs;

/// <summary>A JPEG-LS decoder (ITU T.87 / ISO 14495-1): lossless and near-lossless, 2..16-bit samples, one or
/// more components, interleave modes none, line and sample, preset coding parameters (LSE 1). Mapping tables
/// (palettised JPEG-LS) and restart markers are rejected with <see cref="DicomCodecException"/>.</summary>
internal sealed class JpegLsDecoder : IDecodedPlanes
{
    private static readonly int[] J = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    private int _maxVal;
    private int _t1;
    private int _t2;
    private int _t3;
    private int _reset;
    private bool _presetSeen;
    private int[][] _planes = [];
    private int[] _componentIds = [];
    private int _expectedWidth;
    private int _expectedHeight;
    private int _expectedComponents;

    // Per-scan state.
    private int _near;
    private int _range;
    private int _qbpp;
    private int _limit;
    private int[] _a = [];
    private int[] _b = [];
    private int[] _c = [];
    private int[] _n = [];
    private int[] _nn = [];
    private int _runIndex;

    public int Width { get; private set; }

    public int Height { get; private set; }

    public int Precision { get; private set; }

    public int ComponentCount => _planes.Length;

    public int[] GetPlane(int component) => _planes[component];

    public static JpegLsDecoder Decode(ReadOnlySpan<byte> data, int expectedWidth = 0, int expectedHeight = 0, int expectedComponents = 0)
    {
        var decoder = new JpegLsDecoder { _expectedWidth = expectedWidth, _expectedHeight = expectedHeight, _expectedComponents = expectedComponents };
        decoder.Run(data);
        return decoder;
    }

    private void Run(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            throw new DicomCodecException("JPEG-LS stream does not start with an SOI marker.");
        }

        int pos = 2;
        bool frame = false;
        bool[] decoded = [];
        while (true)
        {
            int marker = NextMarker(data, ref pos);
            if (marker is < 0 or 0xD9)
            {
                break;
            }

            if (pos + 2 > data.Length)
            {
                throw new DicomCodecException($"JPEG-LS marker FF{marker:X2} is truncated.");
            }

            int length = (data[pos] << 8) | data[pos + 1];
            if (length < 2 || pos + length > data.Length)
            {
                throw new DicomCodecException($"JPEG-LS segment FF{marker:X2} has an invalid length {length}.");
            }

            var segment = data.Slice(pos + 2, length - 2);
            pos += length;
            switch (marker)
            {
                case 0xF7:
                    if (frame || segment.Length < 6)
                    {
                        throw new DicomCodecException("JPEG-LS frame header is invalid or repeated.");
                    }

                    Precision = segment[0];
                    Height = (segment[1] << 8) | segment[2];
                    Width = (segment[3] << 8) | segment[4];
                    int nf = segment[5];
                    if (Precision is < 2 or > 16 || Width == 0 || Height == 0 || nf is < 1 or > 4 || segment.Length < 6 + (3 * nf))
                    {
                        throw new DicomCodecException($"JPEG-LS frame header (P={Precision}, {Width}x{Height}, {nf} components) is not supported.");
                    }

                    if ((_expectedWidth > 0 && Width != _expectedWidth) || (_expectedHeight > 0 && Height != _expectedHeight) || (_expectedComponents > 0 && nf != _expectedComponents))
                    {
                        throw new DicomCodecException(
                            $"The JPEG-LS frame is {Width}x{Height} with {nf} components; the dataset says {_expectedWidth}x{_expectedHeight} with {_expectedComponents}.");
                    }

                    _componentIds = new int[nf];
                    _planes = new int[nf][];
                    for (int i = 0; i < nf; i++)
                    {
                        _componentIds[i] = segment[6 + (3 * i)];
                        if (segment[7 + (3 * i)] != 0x11)
                        {
                            throw new DicomCodecException("JPEG-LS with subsampled components is not supported.");
                        }

                        _planes[i] = new int[checked(Width * Height)];
                    }

                    decoded = new bool[nf];
                    frame = true;
                    break;
                case 0xF8:
                    ReadPreset(segment);
                    break;
                case 0xDD:
                    if (segment.Length >= 2 && ((segment[0] << 8) | segment[1]) != 0)
                    {
                        throw new DicomCodecException("JPEG-LS with restart markers is not supported.");
                    }

                    break;
                case 0xDA:
                    if (!frame)
                    {
                        throw new DicomCodecException("JPEG-LS scan before the frame header.");
                    }

                    pos = DecodeScan(segment, data, pos, decoded);
                    break;
                case >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC:
                    throw new DicomCodecException("The stream is JPEG (T.81), not JPEG-LS.");
                default:
                    break;
            }
        }

        if (!frame || decoded.Any(d => !d))
        {
            throw new DicomCodecException("JPEG-LS stream ended before every component was decoded.");
        }
    }

    private static int NextMarker(ReadOnlySpan<byte> data, ref int pos)
    {
        while (pos + 1 < data.Length)
        {
            if (data[pos] != 0xFF)
            {
                pos++;
                continue;
            }

            byte m = data[pos + 1];
            if (m == 0xFF)
            {
                pos++;
                continue;
            }

            pos += 2;
            if (m == 0x00)
            {
                continue;
            }

            return m;
        }

        pos = data.Length;
        return -1;
    }

    private void ReadPreset(ReadOnlySpan<byte> s)
    {
        if (s.Length < 1)
        {
            throw new DicomCodecException("JPEG-LS LSE segment is empty.");
        }

        switch (s[0])
        {
            case 1:
                if (s.Length < 11)
                {
                    throw new DicomCodecException("JPEG-LS preset parameters are truncated.");
                }

                _maxVal = (s[1] << 8) | s[2];
                _t1 = (s[3] << 8) | s[4];
                _t2 = (s[5] << 8) | s[6];
                _t3 = (s[7] << 8) | s[8];
                _reset = (s[9] << 8) | s[10];
                _presetSeen = true;
                break;
            case 2:
            case 3:
                throw new DicomCodecException("JPEG-LS mapping tables are not supported.");
            default:
                throw new DicomCodecException($"JPEG-LS LSE segment type {s[0]} is not supported.");
        }
    }

    private int DecodeScan(ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, int pos, bool[] decoded)
    {
        int ns = header.Length > 0 ? header[0] : 0;
        if (ns < 1 || header.Length < 4 + (2 * ns))
        {
            throw new DicomCodecException("JPEG-LS scan header is invalid.");
        }

        var components = new int[ns];
        for (int i = 0; i < ns; i++)
        {
            int index = Array.IndexOf(_componentIds, (int)header[1 + (2 * i)]);
            if (index < 0 || decoded[index])
            {
                throw new DicomCodecException("JPEG-LS scan names an unknown or already decoded component.");
            }

            if (header[2 + (2 * i)] != 0)
            {
                throw new DicomCodecException("JPEG-LS mapping tables are not supported.");
            }

            components[i] = index;
        }

        _near = header[1 + (2 * ns)];
        int ilv = header[2 + (2 * ns)];
        int pointTransform = header[3 + (2 * ns)] & 15;
        if (pointTransform != 0)
        {
            throw new DicomCodecException("JPEG-LS point transform is not supported.");
        }

        if (ilv > 2 || (ns > 1 && ilv == 0) || (ns == 1 && ilv != 0))
        {
            throw new DicomCodecException($"JPEG-LS interleave mode {ilv} with {ns} components is invalid.");
        }

        SetParameters();
        var reader = new BitReader(data, pos);
        if (ilv == 2)
        {
            DecodeSampleInterleaved(components, ref reader);
        }
        else
        {
            DecodeLines(components, ref reader);
        }

        foreach (int c in components)
        {
            decoded[c] = true;
        }

        return reader.EndPosition();
    }

    private void SetParameters()
    {
        int maxVal = _presetSeen && _maxVal != 0 ? _maxVal : (1 << Precision) - 1;
        if (maxVal >= 1 << Precision)
        {
            throw new DicomCodecException($"JPEG-LS MAXVAL {maxVal} exceeds the {Precision}-bit precision.");
        }
        int near = _near;
        if (near > Math.Min(255, maxVal / 2))
        {
            throw new DicomCodecException($"JPEG-LS NEAR {near} is invalid.");
        }

        int t1;
        int t2;
        int t3;
        if (maxVal >= 128)
        {
            int factor = (Math.Min(maxVal, 4095) + 128) / 256;
            t1 = (factor * (3 - 2)) + 2 + (3 * near);
            t2 = (factor * (7 - 3)) + 3 + (5 * near);
            t3 = (factor * (21 - 4)) + 4 + (7 * near);
        }
        else
        {
            int factor = 256 / (maxVal + 1);
            t1 = Math.Max(2, (3 / factor) + (3 * near));
            t2 = Math.Max(3, (7 / factor) + (5 * near));
            t3 = Math.Max(4, (21 / factor) + (7 * near));
        }

        if (t1 > maxVal || t1 < near + 1)
        {
            t1 = near + 1;
        }

        if (t2 > maxVal || t2 < t1)
        {
            t2 = t1;
        }

        if (t3 > maxVal || t3 < t2)
        {
            t3 = t2;
        }

        if (_presetSeen)
        {
            t1 = _t1 != 0 ? _t1 : t1;
            t2 = _t2 != 0 ? _t2 : t2;
            t3 = _t3 != 0 ? _t3 : t3;
        }

        _maxValScan = maxVal;
        _t1Scan = t1;
        _t2Scan = t2;
        _t3Scan = t3;
        _resetScan = _presetSeen && _reset != 0 ? _reset : 64;
        _range = ((maxVal + (2 * near)) / ((2 * near) + 1)) + 1;
        _qbpp = CeilLog2(_range);
        int bpp = Math.Max(2, CeilLog2(maxVal + 1));
        _limit = 2 * (bpp + Math.Max(8, bpp));
        int aInit = Math.Max(2, (_range + 32) / 64);
        _a = new int[367];
        _b = new int[367];
        _c = new int[367];
        _n = new int[367];
        _nn = new int[367];
        Array.Fill(_a, aInit);
        Array.Fill(_n, 1);
        _runIndex = 0;
    }

    private int _maxValScan;
    private int _t1Scan;
    private int _t2Scan;
    private int _t3Scan;
    private int _resetScan;

    private static int CeilLog2(int v)
    {
        int r = 0;
        while ((1L << r) < v)
        {
            r++;
        }

        return r;
    }

    private int Quantize(int d)
    {
        if (d <= -_t3Scan)
        {
            return -4;
        }

        if (d <= -_t2Scan)
        {
            return -3;
        }

        if (d <= -_t1Scan)
        {
            return -2;
        }

        if (d < -_near)
        {
            return -1;
        }

        if (d <= _near)
        {
            return 0;
        }

        if (d < _t1Scan)
        {
            return 1;
        }

        if (d < _t2Scan)
        {
            return 2;
        }

        return d < _t3Scan ? 3 : 4;
    }

    private int Context(int ra, int rb, int rc, int rd) => (((Quantize(rd - rb) * 9) + Quantize(rb - rc)) * 9) + Quantize(rc - ra);

    // Lines of ILV 0 (one component) or ILV 1 (a line of each component in turn); contexts shared, run index per component.
    private void DecodeLines(int[] components, ref BitReader reader)
    {
        int ns = components.Length;
        int w = Width;
        var previous = new int[ns][];
        var current = new int[ns][];
        var runIndex = new int[ns];
        for (int i = 0; i < ns; i++)
        {
            previous[i] = new int[w + 2];
            current[i] = new int[w + 2];
        }

        for (int y = 0; y < Height; y++)
        {
            for (int i = 0; i < ns; i++)
            {
                _runIndex = runIndex[i];
                int[] prev = previous[i];
                int[] cur = current[i];
                prev[w + 1] = prev[w];
                cur[0] = prev[1];
                DecodeLine(prev, cur, ref reader);
                runIndex[i] = _runIndex;
                Array.Copy(cur, 1, _planes[components[i]], y * w, w);
                (previous[i], current[i]) = (cur, prev);
            }
        }
    }

    // Buffers hold x = -1..w at indexes 0..w+1.
    private void DecodeLine(int[] prev, int[] cur, ref BitReader reader)
    {
        int w = Width;
        int x = 0;
        while (x < w)
        {
            int ra = cur[x];
            int rc = prev[x];
            int rb = prev[x + 1];
            int rd = prev[x + 2];
            int qs = Context(ra, rb, rc, rd);
            if (qs != 0)
            {
                cur[x + 1] = DecodeRegular(qs, Predict(ra, rb, rc), ref reader);
                x++;
                continue;
            }

            // Run mode.
            int run = DecodeRunLength(w - x, ref reader);
            for (int i = 0; i < run; i++)
            {
                cur[x + 1 + i] = ra;
            }

            x += run;
            if (x == w)
            {
                break;
            }

            int rbHere = prev[x + 1];
            cur[x + 1] = DecodeRunInterruption(ra, rbHere, Math.Abs(ra - rbHere) <= _near ? 1 : 0, ref reader);
            _runIndex = Math.Max(0, _runIndex - 1);
            x++;
        }
    }

    private void DecodeSampleInterleaved(int[] components, ref BitReader reader)
    {
        int ns = components.Length;
        int w = Width;
        var prev = new int[(w + 2) * ns];
        var cur = new int[(w + 2) * ns];
        var ra = new int[ns];
        var rb = new int[ns];
        var qs = new int[ns];
        for (int y = 0; y < Height; y++)
        {
            for (int c = 0; c < ns; c++)
            {
                prev[((w + 1) * ns) + c] = prev[(w * ns) + c];
                cur[c] = prev[ns + c];
            }

            int x = 0;
            while (x < w)
            {
                bool run = true;
                for (int c = 0; c < ns; c++)
                {
                    int a = cur[(x * ns) + c];
                    int cc = prev[(x * ns) + c];
                    int b = prev[((x + 1) * ns) + c];
                    int d = prev[((x + 2) * ns) + c];
                    qs[c] = Context(a, b, cc, d);
                    run &= qs[c] == 0;
                }

                if (!run)
                {
                    for (int c = 0; c < ns; c++)
                    {
                        int a = cur[(x * ns) + c];
                        int cc = prev[(x * ns) + c];
                        int b = prev[((x + 1) * ns) + c];
                        cur[((x + 1) * ns) + c] = DecodeRegular(qs[c], Predict(a, b, cc), ref reader);
                    }

                    x++;
                    continue;
                }

                int length = DecodeRunLength(w - x, ref reader);
                for (int i = 0; i < length; i++)
                {
                    for (int c = 0; c < ns; c++)
                    {
                        cur[((x + 1 + i) * ns) + c] = cur[(x * ns) + c];
                    }
                }

                x += length;
                if (x == w)
                {
                    break;
                }

                for (int c = 0; c < ns; c++)
                {
                    ra[c] = cur[(x * ns) + c];
                    rb[c] = prev[((x + 1) * ns) + c];
                }

                for (int c = 0; c < ns; c++)
                {
                    // Sample-interleaved run interruption: RItype 0 context for every component, sign of Rb - Ra.
                    int error = DecodeRunInterruptionError(0, ref reader);
                    int sign = rb[c] - ra[c] < 0 ? -1 : 1;
                    cur[((x + 1) * ns) + c] = Reconstruct(rb[c] + (error * sign * ((2 * _near) + 1)));
                }

                _runIndex = Math.Max(0, _runIndex - 1);
                x++;
            }

            for (int c = 0; c < ns; c++)
            {
                int[] plane = _planes[components[c]];
                for (int i = 0; i < w; i++)
                {
                    plane[(y * w) + i] = cur[((i + 1) * ns) + c];
                }
            }

            (prev, cur) = (cur, prev);
        }
    }

    private static int Predict(int ra, int rb, int rc)
    {
        if (rc >= Math.Max(ra, rb))
        {
            return Math.Min(ra, rb);
        }

        if (rc <= Math.Min(ra, rb))
        {
            return Math.Max(ra, rb);
        }

        return ra + rb - rc;
    }

    private int DecodeRegular(int qs, int prediction, ref BitReader reader)
    {
        int sign = qs < 0 ? -1 : 1;
        int q = qs * sign;
        int px = Math.Clamp(prediction + (sign * _c[q]), 0, _maxValScan);
        int k = 0;
        while ((_n[q] << k) < _a[q])
        {
            k++;
        }

        int mapped = DecodeGolomb(k, _limit, ref reader);
        int error = (mapped & 1) == 0 ? mapped >> 1 : -((mapped + 1) >> 1);
        if (_near == 0 && k == 0 && 2 * _b[q] <= -_n[q])
        {
            error = -error - 1;
        }

        // Context update (T.87 A.6).
        _b[q] += error * ((2 * _near) + 1);
        _a[q] += Math.Abs(error);
        if (_n[q] == _resetScan)
        {
            _a[q] >>= 1;
            _b[q] >>= 1;
            _n[q] >>= 1;
        }

        _n[q]++;
        if (_b[q] <= -_n[q])
        {
            _b[q] += _n[q];
            if (_c[q] > -128)
            {
                _c[q]--;
            }

            if (_b[q] <= -_n[q])
            {
                _b[q] = -_n[q] + 1;
            }
        }
        else if (_b[q] > 0)
        {
            _b[q] -= _n[q];
            if (_c[q] < 127)
            {
                _c[q]++;
            }

            if (_b[q] > 0)
            {
                _b[q] = 0;
            }
        }

        return Reconstruct(px + (sign * error * ((2 * _near) + 1)));
    }

    private int Reconstruct(int value)
    {
        int step = (2 * _near) + 1;
        if (value < -_near)
        {
            value += _range * step;
        }
        else if (value > _maxValScan + _near)
        {
            value -= _range * step;
        }

        return Math.Clamp(value, 0, _maxValScan);
    }

    private int DecodeRunLength(int remaining, ref BitReader reader)
    {
        int index = 0;
        while (reader.ReadBit() == 1)
        {
            int count = Math.Min(1 << J[_runIndex], remaining - index);
            index += count;
            if (count == 1 << J[_runIndex])
            {
                _runIndex = Math.Min(31, _runIndex + 1);
            }

            if (index == remaining)
            {
                return index;
            }
        }

        if (J[_runIndex] > 0)
        {
            index += reader.ReadBits(J[_runIndex]);
        }

        if (index > remaining)
        {
            throw new DicomCodecException("JPEG-LS run length overruns the line.");
        }

        return index;
    }

    private int DecodeRunInterruption(int ra, int rb, int type, ref BitReader reader)
    {
        int error = DecodeRunInterruptionError(type, ref reader);
        int step = (2 * _near) + 1;
        return type == 1
            ? Reconstruct(ra + (error * step))
            : Reconstruct(rb + (error * (rb - ra < 0 ? -1 : 1) * step));
    }

    private int DecodeRunInterruptionError(int type, ref BitReader reader)
    {
        int q = 365 + type;
        int temp = type == 0 ? _a[q] : _a[q] + (_n[q] >> 1);
        int k = 0;
        while ((_n[q] << k) < temp)
        {
            k++;
        }

        int em = DecodeGolomb(k, _limit - J[_runIndex] - 1, ref reader);
        int t = em + type;
        int map = t & 1;
        int magnitude = (t + map) >> 1;
        int error = ((k != 0 || 2 * _nn[q] >= _n[q]) ? 1 : 0) == map ? -magnitude : magnitude;
        if (error < 0)
        {
            _nn[q]++;
        }

        _a[q] += (em + 1 - type) >> 1;
        if (_n[q] == _resetScan)
        {
            _a[q] >>= 1;
            _n[q] >>= 1;
            _nn[q] >>= 1;
        }

        _n[q]++;
        return error;
    }

    private int DecodeGolomb(int k, int limit, ref BitReader reader)
    {
        int zeros = reader.CountZerosAndSkipOne(limit);
        if (zeros >= limit - (_qbpp + 1))
        {
            return reader.ReadBits(_qbpp) + 1;
        }

        return k == 0 ? zeros : (zeros << k) + reader.ReadBits(k);
    }

    private ref struct BitReader
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _pos;
        private ulong _buffer;
        private int _bits;
        private bool _lastWasFF;
        private bool _atMarker;

        public BitReader(ReadOnlySpan<byte> data, int pos)
        {
            _data = data;
            _pos = pos;
        }

        public int ReadBit()
        {
            if (_bits < 1)
            {
                Fill();
            }

            int v = (int)(_buffer >> 63);
            _buffer <<= 1;
            _bits--;
            return v;
        }

        public int ReadBits(int n)
        {
            if (n == 0)
            {
                return 0;
            }

            if (_bits < n)
            {
                Fill();
            }

            int v = (int)(_buffer >> (64 - n));
            _buffer <<= n;
            _bits -= n;
            return v;
        }

        public int CountZerosAndSkipOne(int limit)
        {
            int zeros = 0;
            while (true)
            {
                if (_bits < 1)
                {
                    Fill();
                }

                int lz = _buffer == 0 ? 64 : BitOperations.LeadingZeroCount(_buffer);
                if (lz < _bits)
                {
                    zeros += lz;
                    _buffer = lz == 63 ? 0 : _buffer << (lz + 1);
                    _bits -= lz + 1;
                    return zeros;
                }

                zeros += _bits;
                _buffer = 0;
                _bits = 0;
                if (zeros > limit)
                {
                    throw new DicomCodecException("JPEG-LS stream has an invalid Golomb code (or is truncated).");
                }
            }
        }

        /// <summary>Position after the scan: the next marker.</summary>
        public readonly int EndPosition()
        {
            int p = Math.Max(0, _pos - 1); // the 0xFF of the marker that stopped the reader was taken as data
            while (p + 1 < _data.Length && !(_data[p] == 0xFF && _data[p + 1] >= 0x80))
            {
                p++;
            }

            return p;
        }

        private void Fill()
        {
            while (_bits <= 56)
            {
                if (_atMarker || _pos >= _data.Length)
                {
                    _atMarker = true;
                    _bits += 8; // zeros past the end
                    continue;
                }

                byte b = _data[_pos];
                if (_lastWasFF)
                {
                    if (b >= 0x80)
                    {
                        _atMarker = true;
                        continue;
                    }

                    _buffer |= (ulong)b << (57 - _bits); // the stuffed zero bit after 0xFF is dropped
                    _bits += 7;
                }
                else
                {
                    _buffer |= (ulong)b << (56 - _bits);
                    _bits += 8;
                }

                _lastWasFF = b == 0xFF;
                _pos++;
            }
        }
    }
}
