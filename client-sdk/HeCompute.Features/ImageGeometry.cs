using System.Numerics.Tensors;

namespace HeCompute.Features;

/// <summary>Checks of image dimensions and access to 2-D tensors as row-major pixel arrays.</summary>
internal static class ImageGeometry
{
    /// <summary>Throws unless <paramref name="width"/> × <paramref name="height"/> equals <paramref name="length"/>.</summary>
    public static void Validate(int length, int width, int height, string what = "image")
    {
        if (width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"The {what} width must be at least 1.");
        }

        if (height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, $"The {what} height must be at least 1.");
        }

        if ((long)width * height != length)
        {
            throw new ArgumentException(
                $"The {what} has {length} values but {width}×{height} = {(long)width * height} were declared.");
        }
    }

    /// <summary>
    /// Copies a rank-2 tensor of shape [height, width] (row-major: rows first, as DICOM frames are stored) into a new
    /// array and returns its dimensions.
    /// </summary>
    public static float[] FromTensor(Tensor<float> image, out int width, out int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Rank != 2)
        {
            throw new ArgumentException($"An image tensor must have rank 2 with shape [height, width]; this one has rank {image.Rank}.", nameof(image));
        }

        ReadOnlySpan<nint> lengths = image.Lengths;
        if (lengths[0] < 1 || lengths[1] < 1 || lengths[0] > int.MaxValue || lengths[1] > int.MaxValue
            || (long)lengths[0] * lengths[1] > Array.MaxLength)
        {
            throw new ArgumentException($"The image tensor shape [{lengths[0]}, {lengths[1]}] is empty or too large.", nameof(image));
        }

        height = (int)lengths[0];
        width = (int)lengths[1];
        var pixels = new float[width * height];
        image.FlattenTo(pixels);
        return pixels;
    }
}
