namespace HeCompute.Ckks;

/// <summary>SEALNet's <c>ISettable&lt;T&gt;</c>: an object that can be made a copy of another.</summary>
/// <typeparam name="T">The type of the object copied in.</typeparam>
public interface ISettable<T>
    where T : class
{
    /// <summary>Makes this object a copy of <paramref name="assign"/>.</summary>
    void Set(T assign);
}

/// <summary>SEALNet's <c>ISerializableObject</c>: an object saved in SEAL's format.</summary>
public interface ISerializableObject
{
    /// <summary>Size in bytes that <see cref="Save"/> writes (exact without compression, an upper bound with it).</summary>
    long SaveSize(ComprModeType? comprMode);

    /// <summary>Saves the object in SEAL's format; returns the bytes written.</summary>
    long Save(Stream stream, ComprModeType? comprMode);
}
