namespace HeCompute.Dicom.Imaging;

/// <summary>Which values <see cref="DicomPixelData.GetFrameValues(int, PixelOutput)"/> produces.</summary>
public enum PixelOutput
{
    /// <summary>Stored values: the Bits Stored field of each sample, sign-extended when Pixel Representation is 1.
    /// Colour frames keep their samples as decoded (interleaved; YBR stays YBR, palette indices stay indices).</summary>
    StoredValues,

    /// <summary>Monochrome: the Modality LUT applied (Rescale Slope/Intercept, e.g. Hounsfield units for CT, or the
    /// Modality LUT Sequence). Colour: RGB samples (YBR_FULL/YBR_FULL_422 converted, PALETTE COLOR looked up), on the
    /// scale of the stored samples (or of the palette entries). MONOCHROME1 is not inverted here.</summary>
    ModalityValues,

    /// <summary>Values in [0, 1] for display or models: monochrome through the modality LUT then the VOI transform
    /// (window linear, LINEAR_EXACT or SIGMOID, or the VOI LUT Sequence; the frame's min-max when the dataset has
    /// neither), MONOCHROME1 inverted; colour RGB divided by its maximum value.</summary>
    Display,
}
