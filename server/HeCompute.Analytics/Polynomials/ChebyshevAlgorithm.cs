using System.Numerics;

namespace HeCompute.Analytics.Polynomials;

/// <summary>
/// Baby-step giant-step evaluation of a Chebyshev series with lazy rescaling and exact scale targets, written once
/// for ciphertexts and for the simulator (see <see cref="PolynomialEvaluator"/> for the contract).
/// </summary>
/// <remarks>
/// <para>
/// Power basis. T_1 = α·x + β; T_2k = 2·T_k² − 1; T_(a+b) = 2·T_a·T_b − T_(a−b) with a the largest power of two
/// below a + b, so T_j has depth ⌈log2 j⌉ below T_1. The subtracted term is brought to the product's level and
/// scale by a product with the constant 1 encoded at the ratio of the scales (≈ 2^40: exact to 2^−41), before the
/// single rescale.
/// </para>
/// <para>
/// Recursion. Node(p, ℓ, S) returns p evaluated at level ℓ with scale exactly S and <i>not yet rescaled</i>. A node of
/// degree D below the baby-step bound 2^b whose powers all live at level ≥ ℓ is a leaf: Σ_j T_j × (c_j encoded at
/// S/s_j) + c_0, integer-like constant products that consume no level (the T_1 term uses x itself, folding the
/// affine map into the constant). Any other node splits at 2^s = the largest power of two ≤ D as
/// p = q·T_(2^s) + r (q_0 = c_(2^s), q_i = 2c_(2^s+i), r_(2^s−i) −= c_(2^s+i)): q is evaluated at ℓ + 1 with scale
/// S·q_(ℓ+1)/s_X, rescaled (landing on exactly S/s_X) and multiplied by X = T_(2^s), which gives exactly S; r is
/// evaluated at (ℓ, S) and added. The top node is evaluated at ℓ_out + 1 with S = target·q_(ℓ_out+1) and rescaled
/// once, so the result has exactly the target scale.
/// </para>
/// <para>
/// Depth. A node of degree &lt; 2^k at level ℓ ≤ L1 − k + 1 always succeeds (L1 = level of T_1): the quotient has
/// degree &lt; 2^s and sits one level up, X = T_(2^s) lives at L1 − s ≥ ℓ, and a leaf that would need a power one
/// level too deep is split once more (this only happens along the leading chain). Hence the output is at
/// L1 − ⌈log2(d + 1)⌉.
/// </para>
/// </remarks>
internal sealed class ChebyshevAlgorithm<T>
    where T : class
{
    private readonly ILeveledArithmetic<T> _ops;
    private readonly T _input;
    private readonly int _inputLevel;
    private readonly double _alpha;
    private readonly double _beta;
    private readonly bool _mapCostsLevel;
    private readonly bool _identityMap;
    private readonly int _babyBound;
    private readonly int _t1Level;
    private readonly Dictionary<int, T> _powers = [];

    private ChebyshevAlgorithm(ILeveledArithmetic<T> ops, T input, ChebyshevSeries series)
    {
        _ops = ops;
        _input = input;
        _inputLevel = ops.Level(input);
        _alpha = series.Alpha;
        _beta = series.Beta;
        _identityMap = series.IsOnUnitInterval;
        var depth = Depth(series.Degree);
        _babyBound = 1 << Math.Max(1, (depth + 1) / 2);
        _mapCostsLevel = series.Degree >= 2 && !AffineMapIsFree(ops.Context, series, ops.Scale(input));
        _t1Level = _inputLevel - (_mapCostsLevel ? 1 : 0);
    }

    /// <summary>⌈log2(d + 1)⌉.</summary>
    public static int Depth(int degree) => degree <= 0 ? 0 : BitOperations.Log2((uint)degree) + 1;

    /// <summary>
    /// Whether T_1 = α·x + β can be had without a level: the interval is [−1, 1], or reinterpreting x's scale s as s/α
    /// (which multiplies the message by α for free) gives a scale close enough to Δ that the powers' scales, which
    /// drift like (s/(α·Δ))^j, stay within a factor 2 of Δ up to the largest power used.
    /// </summary>
    public static bool AffineMapIsFree(EvaluationContext context, ChebyshevSeries series, double inputScale)
    {
        if (series.IsOnUnitInterval && CiphertextOps.ScalesClose(inputScale, context.DefaultScale))
        {
            return true;
        }

        var drift = Math.Abs(Math.Log2(inputScale / series.Alpha / context.DefaultScale));
        var largestPower = 1 << Math.Max(0, Depth(series.Degree) - 1);
        return drift * largestPower <= 1;
    }

    /// <summary>Evaluates the series on <paramref name="input"/>; the result has exactly <paramref name="targetScale"/>.</summary>
    public static T Evaluate(ILeveledArithmetic<T> ops, T input, ChebyshevSeries series, double targetScale)
    {
        if (series.Degree < 1)
        {
            throw new ArgumentException("A constant polynomial needs no evaluation: its value is known without the input.", nameof(series));
        }

        var algorithm = new ChebyshevAlgorithm<T>(ops, input, series);
        return algorithm.Run([.. series.Coefficients], targetScale);
    }

    private T Run(double[] coefficients, double targetScale)
    {
        var depth = Depth(coefficients.Length - 1);
        var outputLevel = _t1Level - depth;
        if (outputLevel < 0)
        {
            throw new InsufficientLevelsException(depth + (_mapCostsLevel ? 1 : 0), _inputLevel);
        }

        var top = outputLevel + 1;
        var node = Node(coefficients, top, targetScale * _ops.Context.RescalePrime(top))
            ?? throw new ArgumentException("Every term of the polynomial but its constant rounds to zero at the encoding resolution: it is numerically constant on its interval.", nameof(coefficients));
        return Snap(_ops.Rescale(node), targetScale);
    }

    /// <summary>p at level <paramref name="level"/> with scale exactly <paramref name="scale"/>, not rescaled; null if p is (numerically, at this scale) the constant c_0.</summary>
    private T? Node(double[] c, int level, double scale)
    {
        var degree = DegreeOf(c);
        if (degree == 0)
        {
            return null;
        }

        if (degree < _babyBound && PowerLevel(degree) >= level)
        {
            return Leaf(c, degree, level, scale);
        }

        var split = 1 << BitOperations.Log2((uint)degree);
        var (quotient, remainder) = Split(c, degree, split);
        var power = Power(split);
        if (_ops.Level(power) < level)
        {
            throw new InvalidOperationException($"Internal error: T_{split} is at level {_ops.Level(power)}, needed at {level}.");
        }

        var x = _ops.ModSwitchTo(power, level);
        var quotientScale = scale / _ops.Scale(x);
        var q = DegreeOf(quotient) == 0 ? null : Node(quotient, level + 1, quotientScale * _ops.Context.RescalePrime(level + 1));
        T? product = q is not null
            ? Snap(_ops.Multiply(Snap(_ops.Rescale(q), quotientScale), x), scale)
            : Math.Abs(quotient[0] * quotientScale) < 0.5 ? null : Snap(_ops.MultiplyConstant(x, quotient[0], quotientScale), scale);
        var r = Node(remainder, level, scale);
        if (product is null)
        {
            // The quotient rounds to zero at its scale: p is r (or the constant remainder[0] = c_0, for the caller).
            return r;
        }

        if (r is not null)
        {
            return _ops.Add(product, r);
        }

        return remainder[0] != 0 ? _ops.AddConstant(product, remainder[0]) : product;
    }

    /// <summary>Σ_j c_j·T_j + c_0 with constant products only (no rescale): level ℓ, scale exactly S; null if every term rounds to zero.</summary>
    private T? Leaf(double[] c, int degree, int level, double scale)
    {
        T? sum = default;
        var constant = c[0];
        for (var j = 1; j <= degree; j++)
        {
            if (c[j] == 0)
            {
                continue;
            }

            T basis;
            double coefficient;
            if (j == 1)
            {
                // c_1·T_1 = (c_1·α)·x + c_1·β: x itself, the map folded into the constants.
                basis = _ops.ModSwitchTo(_input, level);
                coefficient = c[1] * (_identityMap ? 1.0 : _alpha);
                constant += _identityMap ? 0.0 : c[1] * _beta;
            }
            else
            {
                basis = _ops.ModSwitchTo(Power(j), level);
                coefficient = c[j];
            }

            var plainScale = scale / _ops.Scale(basis);
            if (Math.Abs(coefficient * plainScale) < 0.5)
            {
                // Below the encoding resolution: the constant would round to zero.
                continue;
            }

            var term = Snap(_ops.MultiplyConstant(basis, coefficient, plainScale), scale);
            sum = sum is null ? term : _ops.Add(sum, term);
        }

        if (sum is null)
        {
            // Every term rounds to zero at this scale: numerically the constant c_0, which the caller adds.
            return null;
        }

        return constant != 0 ? _ops.AddConstant(sum, constant) : sum;
    }

    /// <summary>Level T_j has (or will have) without computing it.</summary>
    private int PowerLevel(int j) => j == 1 ? _inputLevel : _t1Level - Depth(j - 1);

    private T Power(int j)
    {
        if (_powers.TryGetValue(j, out var cached))
        {
            return cached;
        }

        T result;
        if (j == 1)
        {
            result = T1();
        }
        else
        {
            var a = 1 << BitOperations.Log2((uint)j);
            if (a == j)
            {
                var half = Power(j / 2);
                var square = _ops.Multiply(half, half);
                result = _ops.Rescale(_ops.AddConstant(_ops.Add(square, square), -1.0));
            }
            else
            {
                var b = j - a;
                var left = Power(a);
                var right = Power(b);
                var level = Math.Min(_ops.Level(left), _ops.Level(right));
                var product = _ops.Multiply(_ops.ModSwitchTo(left, level), _ops.ModSwitchTo(right, level));
                var doubled = _ops.Add(product, product);
                var difference = _ops.ModSwitchTo(Power(a - b), level);
                var aligned = _ops.MultiplyConstant(difference, 1.0, _ops.Scale(doubled) / _ops.Scale(difference));
                result = _ops.Rescale(_ops.Subtract(doubled, aligned));
            }
        }

        _powers[j] = result;
        return result;
    }

    private T T1()
    {
        if (_identityMap && !_mapCostsLevel)
        {
            return _input;
        }

        var context = _ops.Context;
        if (!_mapCostsLevel)
        {
            var reinterpreted = _ops.WithScale(_input, _ops.Scale(_input) / _alpha);
            return _beta == 0 ? reinterpreted : _ops.AddConstant(reinterpreted, _beta);
        }

        // One level: α encoded so that the rescaled T_1 has scale exactly Δ.
        var plainScale = context.DefaultScale * context.RescalePrime(_inputLevel) / _ops.Scale(_input);
        var scaled = _ops.MultiplyConstant(_input, _alpha, plainScale);
        if (_beta != 0)
        {
            scaled = _ops.AddConstant(scaled, _beta);
        }

        return Snap(_ops.Rescale(scaled), context.DefaultScale);
    }

    private T Snap(T value, double expected)
    {
        var actual = _ops.Scale(value);
        if (actual == expected)
        {
            return value;
        }

        if (!CiphertextOps.ScalesClose(actual, expected))
        {
            throw new InvalidOperationException($"Scale bookkeeping error: {actual} where {expected} was expected.");
        }

        return _ops.WithScale(value, expected);
    }

    private static int DegreeOf(double[] c)
    {
        var degree = c.Length - 1;
        while (degree > 0 && c[degree] == 0)
        {
            degree--;
        }

        return degree;
    }

    /// <summary>Chebyshev division by T_split: p = q·T_split + r, for deg p &lt; 2·split.</summary>
    private static (double[] Quotient, double[] Remainder) Split(double[] c, int degree, int split)
    {
        var quotient = new double[degree - split + 1];
        var remainder = new double[split];
        Array.Copy(c, remainder, split);
        quotient[0] = c[split];
        for (var i = 1; split + i <= degree; i++)
        {
            quotient[i] = 2 * c[split + i];
            remainder[split - i] -= c[split + i];
        }

        return (quotient, remainder);
    }
}
