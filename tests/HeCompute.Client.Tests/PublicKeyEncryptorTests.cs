using HeCompute.Client.Keys;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Tests;

/// <summary>A dataset contributor encrypts under the owner's public key; only the owner's secret key decrypts.</summary>
public sealed class PublicKeyEncryptorTests
{
    private const string Passphrase = "owner passphrase 123";

    [Fact]
    public async Task ContributorCiphertextsDecryptWithTheOwnersSecretKeyOnly()
    {
        using var temp = new TempDirectory();
        var store = new KeyStore(temp.Path);
        var plan = TestPlans.Model([1]);
        using var owner = PlanKeyMaterial.Generate(plan);
        var stored = await store.SaveAsync(owner, "dataset", "ds_1", Passphrase);
        var fingerprint = await store.PublicKeySha256Async(stored);

        using var contributor = PublicKeyEncryptor.Create(plan, owner.PublicKeyBytes, "sha256:" + fingerprint.ToUpperInvariant());
        Assert.Equal(fingerprint, contributor.PublicKeySha256);
        var values = new double[contributor.SlotCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Cos(i) / 2;
        }

        var ciphertext = contributor.Encrypt(values);
        using var keys = await store.UnlockAsync(stored, Passphrase);

        // Both polynomials travel (no seed): about twice the owner's own seeded symmetric encryption.
        Assert.True(ciphertext.Length > 1.8 * keys.Encrypt(values).Length);
        var decrypted = keys.Decrypt(ciphertext);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(decrypted[i] - values[i]) < 1e-5, $"slot {i}: {decrypted[i]} vs {values[i]}");
        }

        // Another key set of the same parameters sees noise, not the records.
        using var stranger = PlanKeyMaterial.Generate(plan);
        var strangerStored = await store.SaveAsync(stranger, "dataset", "ds_1", Passphrase);
        using var strangerKeys = await store.UnlockAsync(strangerStored, Passphrase);
        var garbage = strangerKeys.Decrypt(ciphertext);
        Assert.True(Enumerable.Range(0, 64).Count(i => Math.Abs(garbage[i] - values[i]) > 1) > 32);
    }

    [Fact]
    public void APinnedFingerprintRefusesAnyOtherKeyTheServerServes()
    {
        var plan = TestPlans.Model([1]);
        using var owner = PlanKeyMaterial.Generate(plan);
        using var impostor = PlanKeyMaterial.Generate(plan);
        var ownerFingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(owner.PublicKeyBytes));

        var e = Assert.Throws<PlanMismatchException>(() => PublicKeyEncryptor.Create(plan, impostor.PublicKeyBytes, ownerFingerprint));
        Assert.Contains(ownerFingerprint, e.Message, StringComparison.Ordinal);

        // Without a pin the impostor's key is accepted: the pin is what protects against a dishonest server.
        using var unpinned = PublicKeyEncryptor.Create(plan, impostor.PublicKeyBytes);
        Assert.NotEqual(ownerFingerprint, unpinned.PublicKeySha256);
    }

    [Fact]
    public void BytesThatAreNotAPublicKeyForThePlanAreRefused()
    {
        var plan = TestPlans.Model([1]);
        using var owner = PlanKeyMaterial.Generate(plan);

        Assert.Throws<PlanMismatchException>(() => PublicKeyEncryptor.Create(plan, owner.PublicKeyBytes[..^100]));
        Assert.Throws<PlanMismatchException>(() => PublicKeyEncryptor.Create(plan, owner.RelinKeysBytes!));
        Assert.Throws<PlanMismatchException>(() => PublicKeyEncryptor.Create(plan, owner.ParmsBytes));
        var insecure = plan with { Parameters = plan.Parameters with { SecurityLevel = 80 } };
        Assert.Throws<PlanMismatchException>(() => PublicKeyEncryptor.Create(insecure, owner.PublicKeyBytes));
    }
}
