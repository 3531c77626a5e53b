namespace HeCompute.Ckks;

/// <summary>
/// The Microsoft SEAL version whose .NET surface this facade offers (4.4.3). The objects the engine saves carry 4.1 in
/// their headers, so SEAL 4.1 readers such as node-seal 7 load them; it reads 4.0 to 4.4.
/// </summary>
public static class SEALVersion
{
    /// <summary>"Major.Minor.Patch".</summary>
    public static string Version => $"{Major}.{Minor}.{Patch}";

    /// <summary>Major version: 4.</summary>
    public static byte Major => 4;

    /// <summary>Minor version: 4.</summary>
    public static byte Minor => 4;

    /// <summary>Patch version: 3.</summary>
    public static byte Patch => 3;
}
