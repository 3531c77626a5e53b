using System.Numerics;
using HeCompute.Lattice.Ring;

namespace HeCompute.Lattice.Tests.Ckks;

public sealed class EncoderTests(CkksFixture fixture) : IClassFixture<CkksFixture>
{
    [Fact]
    public void RoundTripKeepsAtLeast30BitsAtScale2To40()
    {
        var values = fixture.RandomComplex(1, 10);
        var plain = new Plaintext();
        fixture.Encoder.Encode(values, CkksFixture.Scale, plain);
        var decoded = new List<Complex>();
        fixture.Encoder.Decode(plain, decoded);
        CkksFixture.AssertPrecision(values, decoded, 30);
    }

    [Fact]
    public void RealVectorsAreZeroPaddedAndHaveNoImaginaryPart()
    {
        double[] values = [1.5, -2.25, 3.0];
        var plain = new Plaintext();
        fixture.Encoder.Encode(values, CkksFixture.Scale, plain);
        var decoded = new List<Complex>();
        fixture.Encoder.Decode(plain, decoded);
        for (var i = 0; i < decoded.Count; i++)
        {
            var expected = i < values.Length ? values[i] : 0.0;
            Assert.True(Math.Abs(decoded[i].Real - expected) < 1e-9, $"slot {i}: {decoded[i]}");
            Assert.True(Math.Abs(decoded[i].Imaginary) < 1e-9);
        }
    }

    [Fact]
    public void ScalarEncodingFillsEverySlot()
    {
        var plain = new Plaintext();
        fixture.Encoder.Encode(-3.75, CkksFixture.Scale, plain);
        var decoded = new List<double>();
        fixture.Encoder.Decode(plain, decoded);
        Assert.All(decoded, value => Assert.True(Math.Abs(value + 3.75) < 1e-9));

        fixture.Encoder.Encode(7L, plain);
        fixture.Encoder.Decode(plain, decoded);
        Assert.All(decoded, value => Assert.True(Math.Abs(value - 7) < 1e-9));
    }

    /// <summary>
    /// Independent check of SEAL's slot order: decode by evaluating the plaintext polynomial directly at ζ^(3^i mod 2N)
    /// in double precision (no FFT), on a one-prime level where the coefficients are read off exactly.
    /// </summary>
    [Fact]
    public void SlotIIsTheEvaluationAtZetaToThePowerThreeToTheI()
    {
        var parms = new ParametersLiteral(1024, CoeffModulus.Create(1024, [27]));
        var context = Parameters.Create(parms);
        var encoder = new Encoder(context);
        var random = new Random(7);
        var values = Enumerable.Range(0, 512).Select(_ => new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5)).ToArray();
        const double scale = 1 << 16;
        var plain = new Plaintext();
        encoder.Encode(values, scale, plain);

        var level = context.FirstLevel;
        var q = level.Moduli[0];
        var coefficients = plain.Data.ToArray();
        level.Ntt[0].Inverse(coefficients);
        var centered = coefficients.Select(c => c > q.Value / 2 ? -(double)(q.Value - c) : c).ToArray();
        var t = 1UL;
        for (var i = 0; i < 512; i++)
        {
            var sum = Complex.Zero;
            for (var k = 0; k < 1024; k++)
            {
                sum += centered[k] * Complex.FromPolarCoordinates(1, Math.PI * ((t * (ulong)k) % 2048) / 1024);
            }

            var slot = sum / scale;
            Assert.True((slot - values[i]).Magnitude < 1e-3, $"slot {i}: {slot} vs {values[i]}");
            t = (t * 3) % 2048;
        }
    }

    [Fact]
    public void OutOfBoundsScaleAndTooManyValuesAreRefused()
    {
        var plain = new Plaintext();
        Assert.Throws<ScaleMismatchException>(() => fixture.Encoder.Encode([1.0], Math.Pow(2, 200), plain));
        Assert.Throws<ScaleMismatchException>(() => fixture.Encoder.Encode([1.0], -1, plain));
        Assert.Throws<ArgumentException>(() => fixture.Encoder.Encode(new double[fixture.Slots + 1], CkksFixture.Scale, plain));
        Assert.Throws<ArgumentException>(() => fixture.Encoder.Encode([double.NaN], CkksFixture.Scale, plain));
        Assert.Throws<ArgumentException>(() => fixture.Encoder.Encode([1e40], CkksFixture.Scale, plain));
    }

    [Fact]
    public void LargeCoefficientsAboveTwoToThe63DecodeExactly()
    {
        // scale 2^100 pushes coefficients past 64 bits: exercises both the wide encode path and the exact CRT decode.
        var values = fixture.RandomComplex(3);
        var plain = new Plaintext();
        fixture.Encoder.Encode(values, Math.Pow(2, 100), plain);
        var decoded = new List<Complex>();
        fixture.Encoder.Decode(plain, decoded);
        CkksFixture.AssertPrecision(values, decoded, 40);
    }

    [Fact]
    public void ConstantsOfTheRingLayerAreTheOnesTheContextUses()
    {
        var level = fixture.Context.FirstLevel;
        foreach (var modulus in level.Moduli)
        {
            Assert.Equal(1UL, modulus.Value % 16384);
            Assert.True(ModArith.IsPrime(modulus.Value));
        }
    }
}
