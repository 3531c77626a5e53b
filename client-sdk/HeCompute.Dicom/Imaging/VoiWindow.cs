namespace HeCompute.Dicom.Imaging;

/// <summary>VOI LUT Function (0028,1056).</summary>
public enum VoiFunction
{
    /// <summary>LINEAR (PS3.3 C.11.2.1.2.1), the default.</summary>
    Linear,

    /// <summary>LINEAR_EXACT (PS3.3 C.11.2.1.3.2).</summary>
    LinearExact,

    /// <summary>SIGMOID (PS3.3 C.11.2.1.3.1).</summary>
    Sigmoid,
}

/// <summary>A VOI window: Window Center (0028,1050), Window Width (0028,1051) and the VOI LUT Function.</summary>
/// <param name="Center">Window center, in modality units.</param>
/// <param name="Width">Window width (at least 1 for LINEAR, positive otherwise).</param>
/// <param name="Function">How values inside the window map to [0, 1].</param>
public readonly record struct VoiWindow(double Center, double Width, VoiFunction Function = VoiFunction.Linear)
{
    internal bool IsValid =>
        double.IsFinite(Center) && double.IsFinite(Width) && (Function == VoiFunction.Linear ? Width >= 1 : Width > 0);

    internal void Validate()
    {
        if (!IsValid)
        {
            throw new DicomDataException($"Invalid VOI window center {Center} width {Width} for {Function}.");
        }
    }
}
