namespace HeCompute.Dicom.Codecs;

/// <summary>A decoded frame as one sample plane per component (what the JPEG-family decoders produce).</summary>
internal interface IDecodedPlanes
{
    /// <summary>Columns.</summary>
    int Width { get; }

    /// <summary>Rows.</summary>
    int Height { get; }

    /// <summary>Sample precision in bits.</summary>
    int Precision { get; }

    /// <summary>Number of components.</summary>
    int ComponentCount { get; }

    /// <summary>The samples of one component, row by row.</summary>
    int[] GetPlane(int component);
}
