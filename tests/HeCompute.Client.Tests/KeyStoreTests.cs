using HeCompute.Lattice;
using HeCompute.Lattice.Ckks;
using HeCompute.Lattice.Rlwe;
using HeCompute.Client.Keys;
using HeCompute.Contracts;
using HeCompute.Protocol.Packing;

namespace HeCompute.Client.Tests;

public sealed class KeyStoreTests
{
    private const string Passphrase = "correct horse battery staple";

    [Fact]
    public async Task RoundTripEncryptsWithTheStoredKeyAndOnlyThePlansGaloisKeysAreGenerated()
    {
        using var temp = new TempDirectory();
        var store = new KeyStore(temp.Path);
        var plan = TestPlans.Model([-1, 1, 4]);
        using var material = PlanKeyMaterial.Generate(plan);
        var stored = await store.SaveAsync(material, "model", "m_1", Passphrase);

        Assert.Equal(plan.Parameters.ParmsId, stored.ParmsId);
        using (var galois = new GaloisKeys())
        {
            galois.Load(material.Context, new MemoryStream(material.GaloisKeysBytes!));
            Assert.Equal(plan.Keys.GaloisElements.Order(), galois.GaloisElements.Order());
        }

        Assert.NotNull(material.RelinKeysBytes);
        using var keys = await store.UnlockAsync(await store.GetAsync(stored.Id), Passphrase);
        var values = new double[keys.SlotCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Sin(i);
        }

        var decrypted = keys.Decrypt(keys.Encrypt(values));
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(decrypted[i] - values[i]) < 1e-6, $"slot {i}: {decrypted[i]} vs {values[i]}");
        }

        // The key set generated at save time is the one that decrypts: encrypt with the material's own secret key.
        var encryptor = new Encryptor(material.Context, material.SecretKey);
        var encoder = new Encoder(material.Context);
        using var plain = new Plaintext();
        encoder.Encode(values, material.Context.FirstParmsId, plan.Parameters.Scale, plain);
        var encrypted = encryptor.EncryptSymmetric(plain);
        using var bytes = new MemoryStream();
        encrypted.Save(bytes);
        Assert.True(Math.Abs(keys.Decrypt(bytes.ToArray())[3] - values[3]) < 1e-6);
    }

    [Fact]
    public async Task WrongPassphraseAndTamperedFilesAreRefusedWithClearErrors()
    {
        using var temp = new TempDirectory();
        var store = new KeyStore(temp.Path);
        using var material = PlanKeyMaterial.Generate(TestPlans.Model([], relin: false));
        Assert.Null(material.RelinKeysBytes);
        Assert.Null(material.GaloisKeysBytes);
        var stored = await store.SaveAsync(material, "model", "m_2", Passphrase);

        var wrong = await Assert.ThrowsAsync<KeyStoreException>(() => store.UnlockAsync(stored, Passphrase + "!"));
        Assert.Contains("Wrong passphrase", wrong.Message, StringComparison.Ordinal);

        var path = Path.Combine(temp.Path, stored.Id, "secret_key.hcsk");
        var original = await File.ReadAllBytesAsync(path);
        var tampered = (byte[])original.Clone();
        tampered[^10] ^= 0x01;
        await File.WriteAllBytesAsync(path, tampered);
        var altered = await Assert.ThrowsAsync<KeyStoreException>(() => store.UnlockAsync(stored, Passphrase));
        Assert.Contains("altered", altered.Message, StringComparison.Ordinal);

        // A valid file moved under another key set's id fails authentication: the id is bound into the AAD.
        await File.WriteAllBytesAsync(path, original);
        var other = await store.SaveAsync(material, "model", "m_3", Passphrase);
        await File.WriteAllBytesAsync(Path.Combine(temp.Path, other.Id, "secret_key.hcsk"), original);
        await Assert.ThrowsAsync<KeyStoreException>(() => store.UnlockAsync(other, Passphrase));

        await File.WriteAllBytesAsync(path, original[..20]);
        var truncated = await Assert.ThrowsAsync<KeyStoreException>(() => store.UnlockAsync(stored, Passphrase));
        Assert.Contains("not a HeCompute encrypted key file", truncated.Message, StringComparison.Ordinal);

        await Assert.ThrowsAsync<KeyStoreException>(() => store.SaveAsync(material, "model", "m_4", "short"));
    }

    [Fact]
    public async Task NoPlaintextSecretKeyBytesOnDiskAndFilesArePrivate()
    {
        using var temp = new TempDirectory();
        var store = new KeyStore(temp.Path);
        using var material = PlanKeyMaterial.Generate(TestPlans.Model([1]));
        var secret = material.ExportSecretKey();
        var stored = await store.SaveAsync(material, "dataset", "d_1", Passphrase);

        // Any 32-byte window of the serialized key (past SEAL's header) would reveal it; none may appear in any file.
        var windows = new[] { secret[64..96], secret[(secret.Length / 2)..((secret.Length / 2) + 32)], secret[^32..] };
        foreach (var file in Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            foreach (var window in windows)
            {
                Assert.True(bytes.AsSpan().IndexOf(window) < 0, $"{Path.GetFileName(file)} contains plaintext secret key bytes");
            }

            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(temp.Path, stored.Id)));
        }

        var listed = Assert.Single(await store.ListAsync());
        Assert.Equal(stored.Id, listed.Id);
        var uploaded = await store.SetServerKeySetIdAsync(listed, "ks_server");
        Assert.Equal(uploaded.Id, (await store.GetAsync("ks_server")).Id);
        Assert.Equal(uploaded.Id, (await store.FindAsync("dataset", "d_1"))!.Id);
        await store.DeleteAsync(uploaded.Id);
        Assert.Empty(await store.ListAsync());
        await Assert.ThrowsAsync<KeyStoreException>(() => store.GetAsync("../etc"));
    }

    [Fact]
    public void PlansWithWrongGaloisElementsOrInsecureParametersAreRefused()
    {
        var plan = TestPlans.Model([1, 2]);
        var forged = plan with { Keys = plan.Keys with { GaloisElements = [3, 5] } };
        Assert.Throws<PlanMismatchException>(() => PlanKeyMaterial.Generate(forged));

        var wrongId = plan with { Parameters = plan.Parameters with { ParmsId = new string('0', 64) } };
        Assert.Throws<PlanMismatchException>(() => PlanKeyMaterial.Generate(wrongId));

        var parms = new ParametersLiteral(4096, CoeffModulus.Create(4096, [60, 60, 60]));
        using var buffer = new MemoryStream();
        parms.Save(buffer);
        var insecure = plan with
        {
            Parameters = new PlanParameters(4096, [60, 60, 60], [.. parms.CoefficientPrimes], Math.Pow(2, 40), 128, parms.ParmsId.ToString(), Convert.ToBase64String(buffer.ToArray())),
            Keys = new PlanKeys(false, [], []),
        };
        var error = Assert.Throws<PlanMismatchException>(() => PlanKeyMaterial.Generate(insecure));
        Assert.Contains("128-bit", error.Message, StringComparison.Ordinal);
    }
}
