using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HeCompute.Lattice.Hashing;

/// <summary>
/// SEAL's <c>Blake2xbPRNG</c>: block <c>i</c> is BLAKE2Xb with 4096-byte output, keyed with the
/// 64 seed bytes, over the 8 little-endian bytes of the counter <c>i</c>.
/// </summary>
/// <remarks>
/// Per block this is one BLAKE2b compression for the root (the key block's compression is done
/// once, in the constructor) and 64 independent output-node compressions. Where the hardware
/// allows, the nodes run 8 or 4 at a time in vector lanes, and so do the roots of consecutive
/// blocks when a request spans several (see <see cref="Blake2xbLaneKernels"/>).
/// </remarks>
internal sealed class Blake2xbPrng : UniformRandomGenerator
{
    private readonly byte[] _key = new byte[SeedByteCount];
    private readonly Blake2xbLanes _lanes;

    // The root node's state with the key block already compressed; copied for every block.
    private Blake2bState _keyedRoot;

    // The same, precomputed further for the root kernels.
    private Blake2xbLaneKernels.CounterRootSetup _rootSetup;

    /// <summary>Creates the generator.</summary>
    /// <param name="seed">Exactly 8 words.</param>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 8 words.</exception>
    public Blake2xbPrng(ReadOnlySpan<ulong> seed)
        : this(seed, Blake2xbLaneKernels.Best)
    {
    }

    /// <summary>Creates the generator with a chosen lane count (tests and benchmarks).</summary>
    /// <param name="seed">Exactly 8 words.</param>
    /// <param name="lanes">Lane count; must be supported on this machine.</param>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 8 words.</exception>
    /// <exception cref="PlatformNotSupportedException"><paramref name="lanes"/> cannot run here.</exception>
    internal Blake2xbPrng(ReadOnlySpan<ulong> seed, Blake2xbLanes lanes)
        : base(seed)
    {
        if (!Blake2xbLaneKernels.IsSupported(lanes))
        {
            throw new PlatformNotSupportedException($"BLAKE2Xb output nodes in {lanes} lanes are not supported here.");
        }

        _lanes = lanes;
        WriteSeedBytes(_key);
        _keyedRoot.Initialize(
            Blake2bState.ParameterWord0(Blake2bState.MaxDigestBytes, SeedByteCount, fanout: 1, depth: 1, leafLength: 0),
            (ulong)BlockByteCount << 32,
            0);
        _keyedRoot.AbsorbKey(_key);
        _keyedRoot.CompressFullBuffer();
        _rootSetup = new Blake2xbLaneKernels.CounterRootSetup(_keyedRoot);
    }

    /// <inheritdoc/>
    public override PrngType Type => PrngType.Blake2xb;

    /// <summary>How many compressions the generator runs at once.</summary>
    internal Blake2xbLanes Lanes => _lanes;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        CryptographicOperations.ZeroMemory(_key);
        _keyedRoot.Clear();
        _rootSetup = default;
        base.Dispose(disposing);
    }

    /// <summary>Block <paramref name="counter"/> of the stream, independent of the current position.</summary>
    internal void ComputeBlock(ulong counter, Span<byte> block) => FillBlock(counter, block);

    private protected override void FillBlock(ulong counter, Span<byte> block)
    {
        Span<byte> message = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(message, counter);
        if (_lanes == Blake2xbLanes.Scalar)
        {
            Blake2xb.Hash(message, block, _key);
            return;
        }

        // The same root as Blake2xb.Hash computes: parameters and key block are in _keyedRoot.
        Span<byte> root = stackalloc byte[Blake2bState.MaxDigestBytes];
        Blake2bState state = _keyedRoot;
        state.Update(message);
        state.Final(root);
        state.Clear();
        Blake2xbLaneKernels.FillNodes(_lanes, root, BlockByteCount, block);
        CryptographicOperations.ZeroMemory(root);
    }

    private protected override void FillBlocks(ulong counter, Span<byte> blocks)
    {
        // A lane group of roots costs about as much as one or two roots computed alone, so it
        // pays from two blocks on; a last single block goes through FillBlock.
        if (_lanes == Blake2xbLanes.Scalar || blocks.Length < 2 * BlockByteCount)
        {
            base.FillBlocks(counter, blocks);
            return;
        }

        int lanes = (int)_lanes;
        Span<byte> roots = stackalloc byte[Blake2xbLaneKernels.MaxLanes * Blake2xbLaneKernels.NodeBytes];
        roots = roots[..(lanes * Blake2xbLaneKernels.NodeBytes)];
        while (blocks.Length >= 2 * BlockByteCount)
        {
            int count = Math.Min(lanes, blocks.Length / BlockByteCount);
            Blake2xbLaneKernels.ComputeRoots(_lanes, _rootSetup, counter, roots);
            for (int i = 0; i < count; i++)
            {
                Blake2xbLaneKernels.FillNodes(
                    _lanes,
                    roots.Slice(i * Blake2xbLaneKernels.NodeBytes, Blake2xbLaneKernels.NodeBytes),
                    BlockByteCount,
                    blocks.Slice(i * BlockByteCount, BlockByteCount));
            }

            counter += (ulong)count;
            blocks = blocks[(count * BlockByteCount)..];
        }

        if (!blocks.IsEmpty)
        {
            FillBlock(counter, blocks);
        }

        CryptographicOperations.ZeroMemory(roots);
    }
}
