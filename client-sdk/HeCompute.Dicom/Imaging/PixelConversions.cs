using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace HeCompute.Dicom.Imaging;

/// <summary>Vectorised sample conversions (System.Numerics.Tensors.TensorPrimitives).</summary>
internal static class PixelConversions
{
    /// <summary>Little-endian samples of 1, 2 or 4 bytes to floats: bits [highBit - bitsStored + 1, highBit],
    /// sign-extended from bit <paramref name="highBit"/> when signed.</summary>
    public static void ToStoredValues(ReadOnlySpan<byte> bytes, int bytesPerSample, int bitsStored, int highBit, bool signed, Span<float> destination)
    {
        int n = destination.Length;
        int width = 8 * bytesPerSample;
        bool whole = bitsStored == width && highBit == width - 1;
        switch (bytesPerSample)
        {
            case 1 when whole && !signed:
                TensorPrimitives.ConvertChecked<byte, float>(bytes[..n], destination);
                return;
            case 1 when whole:
                TensorPrimitives.ConvertChecked<sbyte, float>(MemoryMarshal.Cast<byte, sbyte>(bytes[..n]), destination);
                return;
            case 2 when whole && !signed:
                TensorPrimitives.ConvertChecked<ushort, float>(MemoryMarshal.Cast<byte, ushort>(bytes[..(2 * n)]), destination);
                return;
            case 2 when whole:
                TensorPrimitives.ConvertChecked<short, float>(MemoryMarshal.Cast<byte, short>(bytes[..(2 * n)]), destination);
                return;
            case 4 when whole && !signed:
                TensorPrimitives.ConvertChecked<uint, float>(MemoryMarshal.Cast<byte, uint>(bytes[..(4 * n)]), destination);
                return;
            case 4 when whole:
                TensorPrimitives.ConvertChecked<int, float>(MemoryMarshal.Cast<byte, int>(bytes[..(4 * n)]), destination);
                return;
            default:
                break;
        }

        // General case: widen to 32 bits, move the high bit to bit 31, shift back (arithmetic for signed).
        int[] buffer = System.Buffers.ArrayPool<int>.Shared.Rent(n);
        try
        {
            var ints = buffer.AsSpan(0, n);
            switch (bytesPerSample)
            {
                case 1:
                    TensorPrimitives.ConvertChecked<byte, int>(bytes[..n], ints);
                    break;
                case 2:
                    TensorPrimitives.ConvertChecked<ushort, int>(MemoryMarshal.Cast<byte, ushort>(bytes[..(2 * n)]), ints);
                    break;
                default:
                    MemoryMarshal.Cast<byte, int>(bytes[..(4 * n)]).CopyTo(ints);
                    break;
            }

            TensorPrimitives.ShiftLeft(ints, 31 - highBit, ints);
            if (signed)
            {
                TensorPrimitives.ShiftRightArithmetic(ints, 32 - bitsStored, ints);
                TensorPrimitives.ConvertChecked<int, float>(ints, destination);
            }
            else
            {
                var uints = MemoryMarshal.Cast<int, uint>(ints);
                TensorPrimitives.ShiftRightLogical(uints, 32 - bitsStored, uints);
                TensorPrimitives.ConvertChecked<uint, float>(uints, destination);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<int>.Shared.Return(buffer);
        }
    }

    /// <summary>values = values * scale + offset.</summary>
    public static void Affine(Span<float> values, float scale, float offset, Span<float> destination)
    {
        TensorPrimitives.Multiply(values, scale, destination);
        TensorPrimitives.Add(destination, offset, destination);
    }

    /// <summary>The VOI window transforms of PS3.3 C.11.2.1.2 / C.11.2.1.3 onto [0, 1].</summary>
    public static void ApplyWindow(Span<float> values, VoiWindow window)
    {
        window.Validate();
        double c = window.Center;
        double w = window.Width;
        switch (window.Function)
        {
            case VoiFunction.Linear:
                // y = ((x - (c - 0.5)) / (w - 1) + 0.5), below/above the window 0/1; the clamp gives exactly the piecewise form.
                PixelConversions.Affine(values, (float)(1 / (w - 1)), (float)(0.5 - ((c - 0.5) / (w - 1))), values);
                TensorPrimitives.Clamp(values, 0f, 1f, values);
                break;
            case VoiFunction.LinearExact:
                PixelConversions.Affine(values, (float)(1 / w), (float)(0.5 - (c / w)), values);
                TensorPrimitives.Clamp(values, 0f, 1f, values);
                break;
            default:
                // y = 1 / (1 + exp(-4 (x - c) / w))
                PixelConversions.Affine(values, (float)(4 / w), (float)(-4 * c / w), values);
                TensorPrimitives.Sigmoid(values, values);
                break;
        }
    }
}
