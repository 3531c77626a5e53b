using HeCompute.Contracts;

namespace HeCompute.Client.Keys;

/// <summary>
/// Something that turns slot values into a SEAL ciphertext for a plan: the owner's unlocked key set
/// (<see cref="ClientKeySet"/>, secret-key encryption) or a contributor's <see cref="PublicKeyEncryptor"/> (the owner's
/// public key; no secret key on the contributor's side). Disposing it releases the keys.
/// </summary>
public interface ISlotEncryptor : IDisposable
{
    /// <summary>The plan whose parameters the ciphertexts use.</summary>
    PlanDocument Plan { get; }

    /// <summary>What encrypts, for error messages (a key set id, or a public key fingerprint).</summary>
    string Description { get; }

    /// <summary>Slots per ciphertext (N/2).</summary>
    int SlotCount { get; }

    /// <summary>
    /// Encodes <paramref name="slots"/> (at most <see cref="SlotCount"/>; the rest are zero) at the plan's scale at the
    /// first level and encrypts them; returns the SEAL serialization.
    /// </summary>
    byte[] Encrypt(ReadOnlySpan<double> slots);
}
