using HeCompute.Analytics.LinearAlgebra;
using HeCompute.Lattice.Rlwe;

namespace HeCompute.Analytics.Tests.LinearAlgebra;

/// <summary>
/// Where a matrix's encoded diagonals live: in the context's <see cref="IPlaintextCache"/>, keyed by matrix, parameter
/// set, level and scale, so key sets (and parameter instances) of one parameter set share one encoding, and an evicted
/// entry only costs an encoding.
/// </summary>
public sealed class PlaintextCacheTests(ShallowCkks f) : IClassFixture<ShallowCkks>
{
    private static double[,] Matrix(int rows, int columns)
    {
        var m = new double[rows, columns];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                m[i, j] = ((i * 7) + (j * 3)) % 5 / 5.0;
            }
        }

        return m;
    }

    private static double[] Product(double[,] m, double[] x)
    {
        var y = new double[m.GetLength(0)];
        for (var i = 0; i < y.Length; i++)
        {
            for (var j = 0; j < x.Length; j++)
            {
                y[i] += m[i, j] * x[j];
            }
        }

        return y;
    }

    [Fact]
    public void Key_sets_of_one_parameter_set_share_one_encoding()
    {
        var cache = new RecordingCache(keep: true);
        var m = Matrix(8, 8);
        var matrix = new DiagonalMatrix(m, MatrixVectorLayout.Create(8, 8, f.Slots));
        var galois = f.Keygen.CreateGaloisKeys([.. matrix.RequiredSteps]);
        // A second tenant's view: the same parameters deserialized into another instance, with other key objects.
        var otherParameters = Parameters.Create(f.Context.Literal);
        var first = new EvaluationContext(f.Context, f.Scale, new EvaluationKeySet(f.RelinKeys, galois), plaintexts: cache);
        var second = new EvaluationContext(otherParameters, f.Scale, new EvaluationKeySet(f.RelinKeys, f.Keygen.CreateGaloisKeys([.. matrix.RequiredSteps])), plaintexts: cache);
        var x = f.Random(1, 8);
        var expected = Product(m, x);

        Assert.True(CkksTestContext.MaxError(expected, f.Decrypt(matrix.Multiply(first, f.Encrypt(x))), 8) < 1e-5);
        Assert.True(CkksTestContext.MaxError(expected, f.Decrypt(matrix.Multiply(second, f.Encrypt(x))), 8) < 1e-5);
        Assert.True(CkksTestContext.MaxError(expected, f.Decrypt(matrix.Multiply(first.WithCancellation(CancellationToken.None), f.Encrypt(x))), 8) < 1e-5);

        Assert.Equal(1, cache.Encodings);
        var key = Assert.Single(cache.Keys);
        Assert.Same(matrix, key.Owner);
        Assert.Equal(f.Context.KeyParmsId, key.ParmsId);
        Assert.Equal(f.Evaluation.TopLevel, key.Level);
        // One plaintext per non-zero diagonal, N coefficients per prime of the level.
        var coefficients = (long)f.Context.FirstLevel.Primes.Count * f.Context.Literal.PolyModulusDegree;
        Assert.Equal(matrix.NonZeroDiagonals * coefficients * sizeof(ulong), cache.Bytes);
    }

    [Fact]
    public void An_evicted_encoding_is_encoded_again_and_the_product_stays_right()
    {
        var cache = new RecordingCache(keep: false);
        var m = Matrix(8, 8);
        var matrix = new DiagonalMatrix(m, MatrixVectorLayout.Create(8, 8, f.Slots));
        var context = f.WithSteps(matrix.RequiredSteps);
        context = new EvaluationContext(context.Parameters, f.Scale, context.Keys, plaintexts: cache);
        var x = f.Random(2, 8);
        var expected = Product(m, x);
        for (var run = 0; run < 2; run++)
        {
            Assert.True(CkksTestContext.MaxError(expected, f.Decrypt(matrix.Multiply(context, f.Encrypt(x))), 8) < 1e-5);
        }

        Assert.Equal(2, cache.Encodings);
    }

    [Fact]
    public void The_default_cache_encodes_once_per_owner_and_key()
    {
        var cache = new ContextPlaintextCache();
        var owner = new object();
        var encodings = 0;
        EncodedPlaintexts Encode(EncodedPlaintextKey key)
        {
            encodings++;
            return new EncodedPlaintexts([f.Evaluation.EncodeConstant(1, key.Level, key.Scale)]);
        }

        var key = new EncodedPlaintextKey(owner, f.Context.KeyParmsId, 1, f.Scale);
        var first = cache.GetOrAdd(key, Encode);
        Assert.Same(first, cache.GetOrAdd(key, Encode));
        Assert.Equal(1, encodings);
        Assert.NotSame(first, cache.GetOrAdd(key with { Owner = new object() }, Encode));
        Assert.NotSame(first, cache.GetOrAdd(key with { Scale = f.Scale * 2 }, Encode));
        Assert.Equal(3, encodings);
        // A context made without a cache gets one of its own, which its copies share.
        var context = new EvaluationContext(f.Context, f.Scale);
        Assert.IsType<ContextPlaintextCache>(context.Plaintexts);
        Assert.Same(context.Plaintexts, context.WithKeys(null).WithCancellation(CancellationToken.None).Plaintexts);
        Assert.NotSame(context.Plaintexts, new EvaluationContext(f.Context, f.Scale).Plaintexts);
    }

    /// <summary>Counts encodings; keeps entries (a dictionary) or evicts each at once (keep: false).</summary>
    private sealed class RecordingCache(bool keep) : IPlaintextCache
    {
        private readonly Dictionary<EncodedPlaintextKey, EncodedPlaintexts> _entries = [];

        public int Encodings { get; private set; }

        public IReadOnlyCollection<EncodedPlaintextKey> Keys => _entries.Keys;

        public long Bytes => _entries.Values.Sum(e => e.Bytes);

        public EncodedPlaintexts GetOrAdd(EncodedPlaintextKey key, Func<EncodedPlaintextKey, EncodedPlaintexts> encode)
        {
            if (_entries.TryGetValue(key, out var cached))
            {
                return cached;
            }

            Encodings++;
            var encoded = encode(key);
            if (keep)
            {
                _entries[key] = encoded;
            }

            return encoded;
        }
    }
}
