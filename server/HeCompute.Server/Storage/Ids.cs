using System.Security.Cryptography;

namespace HeCompute.Server.Storage;

/// <summary>Object ids: a type prefix and 128 random bits, so ids reveal nothing and cannot be guessed.</summary>
public static class Ids
{
    /// <summary>A new id such as <c>ks_3f9a…</c>.</summary>
    public static string New(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
}
