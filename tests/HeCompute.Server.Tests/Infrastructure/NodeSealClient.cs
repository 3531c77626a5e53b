using System.Text.Json;
using HeCompute.Ckks.Tests.Interop;
using HeCompute.Contracts;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>
/// A client that holds only Microsoft SEAL 4.1 (node-seal 7, driven through <c>tests/interop/seal-oracle.mjs</c>): it
/// reads the plan as the JSON the server sends (snake_case names, no HeCompute types), generates its own secret key and
/// exactly the planned keys under the plan's <c>seal_parameters</c>, packs and standardises records as the plan's
/// <c>input</c> says, encrypts at the plan's scale and decrypts results. Nothing of HeCompute's engine or SDK touches
/// its keys or ciphertexts.
/// </summary>
public sealed class NodeSealClient : IDisposable
{
    private readonly TempDir _directory = NodeSeal.CreateTempDir();
    private readonly JsonElement _parameters;
    private readonly JsonElement _keys;
    private readonly JsonElement _input;

    public NodeSealClient(JsonElement plan)
    {
        Plan = plan;
        _parameters = plan.GetProperty("parameters");
        _keys = plan.GetProperty("keys");
        _input = plan.GetProperty("input");
    }

    /// <summary>The plan as JSON.</summary>
    public JsonElement Plan { get; }

    /// <summary>The plan's <c>scale</c>: inputs are encoded at it.</summary>
    public double Scale => _parameters.GetProperty("scale").GetDouble();

    /// <summary>The plan's <c>galois_steps</c>.</summary>
    public int[] GaloisSteps => [.. _keys.GetProperty("galois_steps").EnumerateArray().Select(s => s.GetInt32())];

    /// <summary>Whether the plan lists relinearization keys.</summary>
    public bool NeedsRelinKeys => _keys.GetProperty("relinearization_keys").GetBoolean();

    /// <summary>
    /// Loads the plan's <c>seal_parameters</c> with SEAL and saves them as this client's <c>parms.bin</c> (with
    /// <paramref name="compression"/>), then has SEAL generate a secret key, a public key, relinearization keys if the
    /// plan lists them, and Galois keys for exactly the plan's steps; <paramref name="seeded"/> saves the keys in SEAL's
    /// seeded (<c>Seeded</c>) form. Returns the oracle's keygen result (files, sizes, Galois elements).
    /// </summary>
    public async Task<JsonElement> GenerateKeysAsync(bool seeded, string compression)
    {
        await File.WriteAllBytesAsync(_directory.File("plan-parms.bin"), Convert.FromBase64String(_parameters.GetProperty("seal_parameters").GetString()!));
        var steps = GaloisSteps;
        var batch = NodeSeal.Run("batch", new
        {
            requests = new object[]
            {
                new { command = "roundtrip", args = new { dir = _directory.Path, kind = "parms", @in = "plan-parms.bin", @out = "parms.bin", compr = compression } },
                new { command = "keygen", args = new { dir = _directory.Path, seeded, compr = compression, steps, relin = NeedsRelinKeys, galois = steps.Length > 0 } },
            },
        });
        return batch.GetProperty("results")[1];
    }

    /// <summary>The key set upload of SEAL's files: parms, public key, and the relinearization and Galois keys generated.</summary>
    public async Task<MultipartFormDataContent> KeySetFormAsync()
    {
        var parts = new List<(string, byte[])>
        {
            (KeySetParts.Parms, await File.ReadAllBytesAsync(_directory.File("parms.bin"))),
            (KeySetParts.PublicKey, await File.ReadAllBytesAsync(_directory.File("public.bin"))),
        };
        if (File.Exists(_directory.File("relin.bin")))
        {
            parts.Add((KeySetParts.RelinKeys, await File.ReadAllBytesAsync(_directory.File("relin.bin"))));
        }

        if (File.Exists(_directory.File("galois.bin")))
        {
            parts.Add((KeySetParts.GaloisKeys, await File.ReadAllBytesAsync(_directory.File("galois.bin"))));
        }

        return Api.KeySetForm([.. parts]);
    }

    /// <summary>
    /// The slot values of <paramref name="records"/> as the plan's <c>input</c> lays them out: record r's feature t,
    /// standardised as (x − mean[t]) / scale_by[t], at r·record_stride + feature_offsets[t] + k·replication_period for each
    /// of the <c>copies</c>; zeros elsewhere.
    /// </summary>
    public double[] Pack(IReadOnlyList<double[]> records)
    {
        var perCiphertext = _input.GetProperty("records_per_ciphertext").GetInt32();
        if (records.Count > perCiphertext)
        {
            throw new ArgumentException($"{records.Count} records do not fit in one ciphertext of {perCiphertext}.", nameof(records));
        }

        var stride = _input.GetProperty("record_stride").GetInt32();
        var offsets = _input.GetProperty("feature_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
        var period = _input.GetProperty("replication_period").GetInt32();
        var copies = _input.GetProperty("copies").GetInt32();
        var mean = OptionalArray(_input, "mean");
        var scaleBy = OptionalArray(_input, "scale_by");
        var slots = new double[records.Count * stride];
        for (var r = 0; r < records.Count; r++)
        {
            for (var t = 0; t < offsets.Length; t++)
            {
                var value = (records[r][t] - (mean?[t] ?? 0)) / (scaleBy?[t] ?? 1);
                for (var k = 0; k < copies; k++)
                {
                    slots[(r * stride) + offsets[t] + (k * period)] = value;
                }
            }
        }

        return slots;
    }

    /// <summary>
    /// Encrypts the packed <paramref name="records"/> at the plan's scale with SEAL: <paramref name="mode"/> is the
    /// oracle's <c>public</c> (a full ciphertext under the public key) or <c>symmetric-seeded</c> (SEAL's seeded
    /// <c>Serializable&lt;Ciphertext&gt;</c> under the secret key). Returns the file's bytes.
    /// </summary>
    public async Task<byte[]> EncryptAsync(IReadOnlyList<double[]> records, string mode, string compression)
    {
        var name = $"input-{Guid.NewGuid():N}.bin";
        NodeSeal.Run("encrypt", new { dir = _directory.Path, real = Pack(records), scale = Scale, @out = name, mode, compr = compression });
        return await File.ReadAllBytesAsync(_directory.File(name));
    }

    /// <summary>Decrypts a result with the secret key and decodes every slot: the oracle's <c>{real, imag, scale, chainIndex, …}</c>.</summary>
    public async Task<JsonElement> DecryptAsync(byte[] ciphertext)
    {
        var name = $"result-{Guid.NewGuid():N}.bin";
        await File.WriteAllBytesAsync(_directory.File(name), ciphertext);
        return NodeSeal.Run("decrypt", new { dir = _directory.Path, @in = name });
    }

    public void Dispose() => _directory.Dispose();

    private static double[]? OptionalArray(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Select(v => v.GetDouble())]
            : null;
}
