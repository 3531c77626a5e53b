namespace HeCompute.Dicom.Codecs;

/// <summary>A JPEG (ITU T.81) decoder for the processes DICOM uses: sequential DCT with Huffman coding, 8 and 12-bit
/// (SOF0, SOF1: Processes 1, 2 and 4) and lossless Huffman (SOF3: Process 14, all selection values, precision 2..16,
/// point transform). The inverse DCT is the integer "islow" algorithm of the IJG library and chroma is upsampled
/// with its "fancy" triangle filter, so lossy frames decode as dcmtk and gdcm (IJG 6b based) decode them.
/// No colour conversion is done: components come out in frame-header order, as coded.</summary>
internal sealed class JpegDecoder : IDecodedPlanes
{
    private static readonly byte[] ZigZag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
        28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54,
        47, 55, 62, 63,
        63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, // guard for corrupt run lengths
    ];

    private readonly ushort[][] _quant = new ushort[4][];
    private readonly HuffmanTable?[] _dcTables = new HuffmanTable?[4];
    private readonly HuffmanTable?[] _acTables = new HuffmanTable?[4];
    private Component[] _components = [];
    private int _restartInterval;
    private int _maxH;
    private int _maxV;
    private int _mcusX;
    private int _mcusY;
    private bool _frameSeen;
    private bool _scanSeen;
    private int _expectedWidth;
    private int _expectedHeight;
    private int _expectedComponents;

    /// <summary>Image width in pixels.</summary>
    public int Width { get; private set; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; private set; }

    /// <summary>Sample precision in bits.</summary>
    public int Precision { get; private set; }

    /// <summary>True for a lossless (SOF3) stream.</summary>
    public bool IsLossless { get; private set; }

    /// <summary>Number of components in the frame.</summary>
    public int ComponentCount => _components.Length;

    /// <summary>Decodes a complete JPEG stream; the samples of each component are then in
    /// <see cref="GetPlane"/>.</summary>
    public static JpegDecoder Decode(ReadOnlySpan<byte> data, int expectedWidth = 0, int expectedHeight = 0, int expectedComponents = 0)
    {
        var decoder = new JpegDecoder { _expectedWidth = expectedWidth, _expectedHeight = expectedHeight, _expectedComponents = expectedComponents };
        decoder.Run(data);
        return decoder;
    }

    /// <summary>The output plane of a component: Width x Height samples (upsampled to full resolution).</summary>
    public int[] GetPlane(int component) => _components[component].Output!;

    /// <summary>Reads the frame header only (size, precision, components, process).</summary>
    public static JpegDecoder ReadHeader(ReadOnlySpan<byte> data)
    {
        var decoder = new JpegDecoder();
        decoder.Run(data, headerOnly: true);
        return decoder;
    }

    private void Run(ReadOnlySpan<byte> data, bool headerOnly = false)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            throw new DicomCodecException("JPEG stream does not start with an SOI marker.");
        }

        int pos = 2;
        while (true)
        {
            int marker = NextMarker(data, ref pos);
            if (marker < 0)
            {
                if (_scanSeen)
                {
                    break; // tolerate a missing EOI after complete scans
                }

                throw new DicomCodecException("JPEG stream ended before any scan.");
            }

            if (marker == 0xD9)
            {
                break;
            }

            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
            {
                continue; // stray RSTn/TEM carry no segment
            }

            if (pos + 2 > data.Length)
            {
                throw new DicomCodecException($"JPEG marker FF{marker:X2} is truncated.");
            }

            int length = (data[pos] << 8) | data[pos + 1];
            if (length < 2 || pos + length > data.Length)
            {
                throw new DicomCodecException($"JPEG segment FF{marker:X2} has an invalid length {length}.");
            }

            ReadOnlySpan<byte> segment = data.Slice(pos + 2, length - 2);
            pos += length;
            switch (marker)
            {
                case 0xC0:
                case 0xC1:
                case 0xC3:
                    ReadFrameHeader(segment, marker == 0xC3);
                    if (headerOnly)
                    {
                        return;
                    }

                    break;
                case 0xC2:
                    throw new DicomCodecException("Progressive JPEG (SOF2) is not a DICOM process this decoder supports.");
                case 0xC5 or 0xC6 or 0xC7:
                    throw new DicomCodecException("Hierarchical JPEG is not supported.");
                case >= 0xC9 and <= 0xCF and not 0xCC:
                    throw new DicomCodecException("Arithmetic-coded JPEG is not supported.");
                case 0xF7:
                    throw new DicomCodecException("The stream is JPEG-LS (SOF55), not JPEG.");
                case 0xC4:
                    ReadHuffmanTables(segment);
                    break;
                case 0xDB:
                    ReadQuantizationTables(segment);
                    break;
                case 0xDD:
                    if (segment.Length < 2)
                    {
                        throw new DicomCodecException("JPEG DRI segment is truncated.");
                    }

                    _restartInterval = (segment[0] << 8) | segment[1];
                    break;
                case 0xDA:
                    if (!_frameSeen)
                    {
                        throw new DicomCodecException("JPEG scan before the frame header.");
                    }

                    pos = DecodeScan(segment, data, pos);
                    _scanSeen = true;
                    break;
                default:
                    break; // APPn, COM, DNL (unused: height must be in SOF), DAC, ...
            }
        }

        if (!_frameSeen)
        {
            throw new DicomCodecException("JPEG stream has no frame header.");
        }

        if (!headerOnly)
        {
            FinishOutput();
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
                pos++; // fill byte
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

    private void ReadFrameHeader(ReadOnlySpan<byte> s, bool lossless)
    {
        if (_frameSeen)
        {
            throw new DicomCodecException("JPEG stream has more than one frame header.");
        }

        if (s.Length < 6)
        {
            throw new DicomCodecException("JPEG frame header is truncated.");
        }

        Precision = s[0];
        Height = (s[1] << 8) | s[2];
        Width = (s[3] << 8) | s[4];
        int count = s[5];
        IsLossless = lossless;
        if (lossless ? Precision is < 2 or > 16 : Precision is not (8 or 12))
        {
            throw new DicomCodecException($"JPEG sample precision {Precision} is not valid for this process.");
        }

        if (Width == 0 || Height == 0)
        {
            throw new DicomCodecException("JPEG frame with zero width or height (DNL) is not supported.");
        }

        if (count is < 1 or > 4 || s.Length < 6 + (3 * count))
        {
            throw new DicomCodecException($"JPEG frame header with {count} components is invalid.");
        }

        // Check the geometry against the dataset before allocating anything for it.
        if ((_expectedWidth > 0 && Width != _expectedWidth) || (_expectedHeight > 0 && Height != _expectedHeight) || (_expectedComponents > 0 && count != _expectedComponents))
        {
            throw new DicomCodecException(
                $"The JPEG frame is {Width}x{Height} with {count} components; the dataset says {_expectedWidth}x{_expectedHeight} with {_expectedComponents}.");
        }

        _components = new Component[count];
        for (int i = 0; i < count; i++)
        {
            int h = s[7 + (3 * i)] >> 4;
            int v = s[7 + (3 * i)] & 15;
            int tq = s[8 + (3 * i)];
            if (h is < 1 or > 4 || v is < 1 or > 4 || tq > 3)
            {
                throw new DicomCodecException("JPEG frame header has invalid sampling factors or table selector.");
            }

            _components[i] = new Component { Id = s[6 + (3 * i)], H = h, V = v, Tq = tq };
        }

        _maxH = _components.Max(c => c.H);
        _maxV = _components.Max(c => c.V);
        int mcuWidth = lossless ? _maxH : 8 * _maxH;
        int mcuHeight = lossless ? _maxV : 8 * _maxV;
        _mcusX = (Width + mcuWidth - 1) / mcuWidth;
        _mcusY = (Height + mcuHeight - 1) / mcuHeight;
        foreach (var c in _components)
        {
            c.Width = (int)(((long)Width * c.H + _maxH - 1) / _maxH);
            c.Height = (int)(((long)Height * c.V + _maxV - 1) / _maxV);
            if (lossless)
            {
                c.PlaneWidth = _mcusX * c.H;
                c.PlaneHeight = _mcusY * c.V;
                c.Samples = new int[checked(c.PlaneWidth * c.PlaneHeight)];
            }
            else
            {
                c.BlocksWide = _mcusX * c.H;
                c.BlocksHigh = _mcusY * c.V;
                c.Coefficients = new short[checked(c.BlocksWide * c.BlocksHigh * 64)];
            }
        }

        _frameSeen = true;
    }

    private void ReadHuffmanTables(ReadOnlySpan<byte> s)
    {
        int p = 0;
        while (p < s.Length)
        {
            int tc = s[p] >> 4;
            int th = s[p] & 15;
            if (tc > 1 || th > 3 || p + 17 > s.Length)
            {
                throw new DicomCodecException("JPEG DHT segment is invalid.");
            }

            var counts = s.Slice(p + 1, 16);
            int total = 0;
            foreach (byte b in counts)
            {
                total += b;
            }

            // An 8-bit symbol alphabet has 256 values (T.81 B.2.4.2); a table cannot list more.
            if (total > 256)
            {
                throw new DicomCodecException($"JPEG DHT table {(tc == 0 ? "DC" : "AC")}{th} declares {total} codes; at most 256 are possible.");
            }

            if (p + 17 + total > s.Length)
            {
                throw new DicomCodecException("JPEG DHT segment is truncated.");
            }

            var table = new HuffmanTable(counts, s.Slice(p + 17, total), tc == 0 ? "DC" : "AC", th);
            (tc == 0 ? _dcTables : _acTables)[th] = table;
            p += 17 + total;
        }
    }

    private void ReadQuantizationTables(ReadOnlySpan<byte> s)
    {
        int p = 0;
        while (p < s.Length)
        {
            int pq = s[p] >> 4;
            int tq = s[p] & 15;
            int size = pq == 0 ? 64 : 128;
            if (pq > 1 || tq > 3 || p + 1 + size > s.Length)
            {
                throw new DicomCodecException("JPEG DQT segment is invalid.");
            }

            var table = new ushort[64];
            for (int k = 0; k < 64; k++)
            {
                table[ZigZag[k]] = pq == 0 ? s[p + 1 + k] : (ushort)((s[p + 1 + (2 * k)] << 8) | s[p + 2 + (2 * k)]);
            }

            _quant[tq] = table;
            p += 1 + size;
        }
    }

    private int DecodeScan(ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, int pos)
    {
        if (header.Length < 1)
        {
            throw new DicomCodecException("JPEG scan header is truncated.");
        }

        int ns = header[0];
        if (ns is < 1 or > 4 || header.Length < 4 + (2 * ns))
        {
            throw new DicomCodecException("JPEG scan header is invalid.");
        }

        var scan = new Component[ns];
        for (int i = 0; i < ns; i++)
        {
            int id = header[1 + (2 * i)];
            var c = Array.Find(_components, x => x.Id == id)
                ?? throw new DicomCodecException($"JPEG scan names component {id} that the frame does not have.");
            int td = header[2 + (2 * i)] >> 4;
            int ta = header[2 + (2 * i)] & 15;
            c.DcTable = td < 4 ? _dcTables[td] : null;
            c.AcTable = ta < 4 ? _acTables[ta] : null;
            if (c.DcTable is null || (!IsLossless && c.AcTable is null))
            {
                throw new DicomCodecException("JPEG scan uses an undefined Huffman table.");
            }

            scan[i] = c;
        }

        int ss = header[1 + (2 * ns)];
        int al = header[3 + (2 * ns)] & 15;
        var reader = new BitReader(data, pos);
        if (IsLossless)
        {
            if (ss is < 1 or > 7)
            {
                throw new DicomCodecException($"JPEG lossless predictor (selection value) {ss} is invalid.");
            }

            if (al >= Precision)
            {
                throw new DicomCodecException($"JPEG lossless point transform {al} is invalid for precision {Precision}.");
            }

            DecodeLosslessScan(scan, ss, al, ref reader);
        }
        else
        {
            DecodeSequentialScan(scan, ref reader);
        }

        foreach (var c in scan)
        {
            c.PointTransform = IsLossless ? al : 0;
        }

        return reader.Position;
    }

    private void DecodeSequentialScan(Component[] scan, ref BitReader reader)
    {
        Span<short> block = stackalloc short[64];
        foreach (var c in scan)
        {
            c.DcPredictor = 0;
        }

        int restartsLeft = _restartInterval;
        if (scan.Length == 1)
        {
            var c = scan[0];
            int bw = (c.Width + 7) / 8;
            int bh = (c.Height + 7) / 8;
            for (int by = 0; by < bh; by++)
            {
                for (int bx = 0; bx < bw; bx++)
                {
                    HandleRestart(scan, ref reader, ref restartsLeft);
                    DecodeBlock(c, ref reader, c.Coefficients.AsSpan(((by * c.BlocksWide) + bx) * 64, 64));
                }
            }

            return;
        }

        for (int my = 0; my < _mcusY; my++)
        {
            for (int mx = 0; mx < _mcusX; mx++)
            {
                HandleRestart(scan, ref reader, ref restartsLeft);
                foreach (var c in scan)
                {
                    for (int v = 0; v < c.V; v++)
                    {
                        for (int h = 0; h < c.H; h++)
                        {
                            int bx = (mx * c.H) + h;
                            int by = (my * c.V) + v;
                            DecodeBlock(c, ref reader, c.Coefficients.AsSpan(((by * c.BlocksWide) + bx) * 64, 64));
                        }
                    }
                }
            }
        }
    }

    private void HandleRestart(Component[] scan, ref BitReader reader, ref int restartsLeft)
    {
        if (_restartInterval == 0)
        {
            return;
        }

        if (restartsLeft == 0)
        {
            reader.Restart();
            foreach (var c in scan)
            {
                c.DcPredictor = 0;
            }

            restartsLeft = _restartInterval;
        }

        restartsLeft--;
    }

    private static void DecodeBlock(Component c, ref BitReader reader, Span<short> coefficients)
    {
        int t = c.DcTable!.Decode(ref reader);
        if (t > 16)
        {
            throw new DicomCodecException("JPEG DC difference category above 16.");
        }

        int diff = t == 0 ? 0 : Extend(reader.GetBits(t), t);
        c.DcPredictor += diff;
        coefficients[0] = (short)c.DcPredictor;
        var ac = c.AcTable!;
        for (int k = 1; k < 64; k++)
        {
            int rs = ac.Decode(ref reader);
            int r = rs >> 4;
            int s = rs & 15;
            if (s == 0)
            {
                if (r != 15)
                {
                    break;
                }

                k += 15;
                continue;
            }

            k += r;
            int value = Extend(reader.GetBits(s), s);
            if (k < 64)
            {
                coefficients[ZigZag[k]] = (short)value;
            }
        }
    }

    private static int Extend(int v, int t) => v < (1 << (t - 1)) ? v - (1 << t) + 1 : v;

    private void DecodeLosslessScan(Component[] scan, int predictor, int pt, ref BitReader reader)
    {
        bool interleaved = scan.Length > 1;
        if (interleaved && scan.Any(c => c.H != 1 || c.V != 1))
        {
            throw new DicomCodecException("Interleaved lossless JPEG with subsampled components is not supported.");
        }

        int initial = 1 << (Precision - pt - 1);
        int width = interleaved ? Width : scan[0].Width;
        int height = interleaved ? Height : scan[0].Height;
        int restartsLeft = _restartInterval;
        int restartRow = 0; // prediction restarts as for the first line in the row where a restart interval begins
        bool resetPending = true;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (_restartInterval != 0)
                {
                    if (restartsLeft == 0)
                    {
                        reader.Restart();
                        restartsLeft = _restartInterval;
                        restartRow = y;
                        resetPending = true;
                    }

                    restartsLeft--;
                }

                foreach (var c in scan)
                {
                    int t = c.DcTable!.Decode(ref reader);
                    int diff = t switch
                    {
                        0 => 0,
                        16 => 32768,
                        > 16 => throw new DicomCodecException("JPEG lossless difference category above 16."),
                        _ => Extend(reader.GetBits(t), t),
                    };
                    int stride = c.PlaneWidth;
                    int[] p = c.Samples;
                    int i = (y * stride) + x;
                    int prediction;
                    if (resetPending)
                    {
                        prediction = initial;
                    }
                    else if (y == restartRow)
                    {
                        prediction = p[i - 1];
                    }
                    else if (x == 0)
                    {
                        prediction = p[i - stride];
                    }
                    else
                    {
                        int ra = p[i - 1];
                        int rb = p[i - stride];
                        int rc = p[i - stride - 1];
                        prediction = predictor switch
                        {
                            1 => ra,
                            2 => rb,
                            3 => rc,
                            4 => ra + rb - rc,
                            5 => ra + ((rb - rc) >> 1),
                            6 => rb + ((ra - rc) >> 1),
                            _ => (ra + rb) >> 1,
                        };
                    }

                    p[i] = (prediction + diff) & 0xFFFF;
                }

                resetPending = false;
            }
        }
    }

    private void FinishOutput()
    {
        int maxSample = (1 << Precision) - 1;
        foreach (var c in _components)
        {
            int[] plane;
            int stride;
            if (IsLossless)
            {
                plane = c.Samples;
                stride = c.PlaneWidth;
                if (c.PointTransform > 0)
                {
                    for (int i = 0; i < plane.Length; i++)
                    {
                        plane[i] = (plane[i] << c.PointTransform) & 0xFFFF;
                    }
                }
            }
            else
            {
                stride = c.BlocksWide * 8;
                plane = new int[checked(stride * c.BlocksHigh * 8)];
                var quant = _quant[c.Tq] ?? throw new DicomCodecException($"JPEG quantization table {c.Tq} is not defined.");
                for (int by = 0; by < c.BlocksHigh; by++)
                {
                    for (int bx = 0; bx < c.BlocksWide; bx++)
                    {
                        IdctIslow.Transform(
                            c.Coefficients.AsSpan(((by * c.BlocksWide) + bx) * 64, 64),
                            quant,
                            plane.AsSpan((by * 8 * stride) + (bx * 8)),
                            stride,
                            Precision);
                    }
                }

                c.Coefficients = [];
            }

            c.Output = Upsample(c, plane, stride, maxSample);
        }
    }

    private int[] Upsample(Component c, int[] plane, int stride, int maxSample)
    {
        _ = maxSample;
        int hx = _maxH / c.H;
        int vx = _maxV / c.V;
        var output = new int[checked(Width * Height)];
        if (_maxH % c.H != 0 || _maxV % c.V != 0)
        {
            throw new DicomCodecException("JPEG sampling factors that are not integer ratios are not supported.");
        }

        if (hx == 1 && vx == 1)
        {
            for (int y = 0; y < Height; y++)
            {
                plane.AsSpan(y * stride, Width).CopyTo(output.AsSpan(y * Width, Width));
            }

            return output;
        }

        int w = c.Width;
        int h = c.Height;
        if (!IsLossless && hx == 2 && vx == 1 && w > 1)
        {
            // IJG h2v1_fancy_upsample: triangle filter, 3/4 nearer + 1/4 further, alternating rounding.
            var row = new int[2 * w];
            for (int y = 0; y < Height; y++)
            {
                var src = plane.AsSpan(y * stride, w);
                row[0] = src[0];
                row[1] = ((src[0] * 3) + src[1] + 2) >> 2;
                for (int x = 1; x < w - 1; x++)
                {
                    int v3 = src[x] * 3;
                    row[2 * x] = (v3 + src[x - 1] + 1) >> 2;
                    row[(2 * x) + 1] = (v3 + src[x + 1] + 2) >> 2;
                }

                row[(2 * w) - 2] = ((src[w - 1] * 3) + src[w - 2] + 1) >> 2;
                row[(2 * w) - 1] = src[w - 1];
                row.AsSpan(0, Width).CopyTo(output.AsSpan(y * Width, Width));
            }

            return output;
        }

        if (!IsLossless && hx == 2 && vx == 2 && w > 1)
        {
            // IJG h2v2_fancy_upsample: the same filter in both directions; rows outside the component replicate its edge.
            var row = new int[2 * w];
            var sums = new int[w];
            for (int y = 0; y < Height; y++)
            {
                int inRow = y >> 1;
                int other = (y & 1) == 0 ? Math.Max(inRow - 1, 0) : Math.Min(inRow + 1, h - 1);
                inRow = Math.Min(inRow, h - 1);
                for (int x = 0; x < w; x++)
                {
                    sums[x] = (plane[(inRow * stride) + x] * 3) + plane[(other * stride) + x];
                }

                row[0] = ((sums[0] * 4) + 8) >> 4;
                row[1] = ((sums[0] * 3) + sums[1] + 7) >> 4;
                for (int x = 1; x < w - 1; x++)
                {
                    row[2 * x] = ((sums[x] * 3) + sums[x - 1] + 8) >> 4;
                    row[(2 * x) + 1] = ((sums[x] * 3) + sums[x + 1] + 7) >> 4;
                }

                row[(2 * w) - 2] = ((sums[w - 1] * 3) + sums[w - 2] + 8) >> 4;
                row[(2 * w) - 1] = ((sums[w - 1] * 4) + 7) >> 4;
                row.AsSpan(0, Width).CopyTo(output.AsSpan(y * Width, Width));
            }

            return output;
        }

        // Replication (IJG int_upsample / h2v1 / h2v2 when not fancy).
        for (int y = 0; y < Height; y++)
        {
            int sy = y / vx;
            for (int x = 0; x < Width; x++)
            {
                output[(y * Width) + x] = plane[(sy * stride) + (x / hx)];
            }
        }

        return output;
    }

    private sealed class Component
    {
        public int Id;
        public int H;
        public int V;
        public int Tq;
        public int Width;
        public int Height;
        public int BlocksWide;
        public int BlocksHigh;
        public int PlaneWidth;
        public int PlaneHeight;
        public int PointTransform;
        public int DcPredictor;
        public short[] Coefficients = [];
        public int[] Samples = [];
        public int[]? Output;
        public HuffmanTable? DcTable;
        public HuffmanTable? AcTable;
    }

    private sealed class HuffmanTable
    {
        private const int LookupBits = 9;
        private readonly int[] _maxCode = new int[18];
        private readonly int[] _valueOffset = new int[17];
        private readonly byte[] _values;
        private readonly byte[] _lookupLength = new byte[1 << LookupBits];
        private readonly byte[] _lookupValue = new byte[1 << LookupBits];

        public HuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values, string kind, int id)
        {
            _values = values.ToArray();
            int code = 0;
            int k = 0;
            for (int length = 1; length <= 16; length++)
            {
                int n = counts[length - 1];

                // Checked before the codes are laid out: more codes than the length's code space would
                // write past the lookup table (T.81 C.2: canonical codes of each length must fit in it).
                if (code + n > (1 << length))
                {
                    throw new DicomCodecException(
                        $"JPEG DHT table {kind}{id} over-subscribes the code space: {n} codes of length {length}, but only {(1 << length) - code} remain.");
                }

                _valueOffset[length] = k - code;
                if (n > 0)
                {
                    if (length <= LookupBits)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            int first = (code + i) << (LookupBits - length);
                            int span = 1 << (LookupBits - length);
                            for (int j = 0; j < span; j++)
                            {
                                _lookupLength[first + j] = (byte)length;
                                _lookupValue[first + j] = _values[k + i];
                            }
                        }
                    }

                    code += n;
                    k += n;
                    _maxCode[length] = code - 1;
                }
                else
                {
                    _maxCode[length] = -1;
                }

                code <<= 1;
            }

            _maxCode[17] = int.MaxValue;
        }

        public int Decode(ref BitReader reader)
        {
            int peek = reader.PeekBits(LookupBits);
            int length = _lookupLength[peek];
            if (length != 0)
            {
                reader.Skip(length);
                return _lookupValue[peek];
            }

            int code = reader.GetBits(LookupBits);
            length = LookupBits;
            while (code > _maxCode[length])
            {
                code = (code << 1) | reader.GetBits(1);
                length++;
                if (length > 16)
                {
                    throw new DicomCodecException("JPEG stream has an invalid Huffman code.");
                }
            }

            return _values[_valueOffset[length] + code];
        }
    }

    private ref struct BitReader
    {
        private readonly ReadOnlySpan<byte> _data;
        private int _pos;
        private ulong _buffer;
        private int _bits;
        private bool _atMarker;

        public BitReader(ReadOnlySpan<byte> data, int pos)
        {
            _data = data;
            _pos = pos;
        }

        public readonly int Position => _pos;

        public int PeekBits(int n)
        {
            if (_bits < n)
            {
                Fill();
            }

            return (int)(_buffer >> (64 - n));
        }

        public void Skip(int n)
        {
            _buffer <<= n;
            _bits -= n;
        }

        public int GetBits(int n)
        {
            if (_bits < n)
            {
                Fill();
            }

            int v = (int)(_buffer >> (64 - n));
            _buffer <<= n;
            _bits -= n;
            return v;
        }

        public void Restart()
        {
            _buffer = 0;
            _bits = 0;
            _atMarker = false;
            while (_pos + 1 < _data.Length && !(_data[_pos] == 0xFF && _data[_pos + 1] is >= 0xD0 and <= 0xD7))
            {
                _pos++;
            }

            if (_pos + 1 >= _data.Length)
            {
                throw new DicomCodecException("JPEG restart marker is missing.");
            }

            _pos += 2;
        }

        private void Fill()
        {
            while (_bits <= 56)
            {
                uint b = 0;
                if (!_atMarker)
                {
                    if (_pos >= _data.Length)
                    {
                        _atMarker = true;
                    }
                    else if (_data[_pos] != 0xFF)
                    {
                        b = _data[_pos++];
                    }
                    else if (_pos + 1 < _data.Length && _data[_pos + 1] == 0x00)
                    {
                        b = 0xFF;
                        _pos += 2;
                    }
                    else
                    {
                        _atMarker = true; // a marker ends the entropy-coded data: feed zeros as IJG does
                    }
                }

                _buffer |= (ulong)b << (56 - _bits);
                _bits += 8;
            }
        }
    }
}
