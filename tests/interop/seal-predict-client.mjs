// A HeCompute client that holds only Microsoft SEAL (node-seal 7.0.0 = SEAL 4.1): it follows a model's plan,
// generates its own keys, uploads the evaluation keys, encrypts records, asks the server to predict and decrypts.
// It uses nothing of HeCompute but its HTTP API, so it is both the reference for SEAL users and an interop test
// (tests/HeCompute.Server.Tests/SealClientTests.cs runs it against a server on a loopback port).
//
// RUN (after tests/interop/install.sh, which prints the node binary path):
//   HECOMPUTE_API_KEY=<a hospital key> $NODE --experimental-wasm-exnref tests/interop/seal-predict-client.mjs \
//       <server url> <model id> <records.json> [<compression: none|zlib|zstd, default zstd>]
//   records.json: an array of records, each an array of raw feature values in the plan's feature order.
// OUTPUT: one JSON object on stdout:
//   {"parms_id", "key_set_id", "key_set_bytes", "outputs": [[output 0, output 1, …] per record]}
// ERRORS: exit code 1 and one line on stderr (the server's problem details when it refused something).
//
// The steps (the same with SEALNet, Microsoft SEAL's C# binding):
//  1. GET /v1/models/{id}/plan. Load parameters.seal_parameters (base64) with EncryptionParameters.load and build
//     a SEALContext at 128-bit security; its key parms_id equals parameters.parms_id. (Do not rebuild the primes from
//     parameters.coeff_modulus with JSON.parse: primes above 2^53 lose precision in a JS number;
//     CoeffModulus.Create(poly_modulus_degree, coeff_modulus_bits) gives the same primes.)
//  2. KeyGenerator: keep the secret key. Upload (POST /v1/keysets, multipart: parms, public_key, relin_keys only when
//     keys.relinearization_keys, galois_keys for exactly keys.galois_steps) the seeded Serializable forms, compressed.
//  3. Pack each record as input says (standardise (x - mean[t]) / scale_by[t], slot r*record_stride +
//     feature_offsets[t] + k*replication_period for k < copies), CKKSEncoder.encode at parameters.scale, encrypt.
//  4. POST /v1/models/{id}/predict?keyset_id=…&records=n with the ciphertext as application/octet-stream.
//  5. Load the result, decrypt, decode: output c of record r is slot r*record_stride + output.offsets[c].

import { readFileSync } from 'node:fs';
import SEAL from 'node-seal';

class ClientError extends Error {}

function usage() {
  throw new ClientError(
    'usage: HECOMPUTE_API_KEY=<key> node --experimental-wasm-exnref seal-predict-client.mjs <server url> <model id> <records.json> [none|zlib|zstd]',
  );
}

async function call(base, apiKey, method, path, body, contentType) {
  const headers = { Authorization: `Bearer ${apiKey}` };
  if (contentType) headers['Content-Type'] = contentType;
  const response = await fetch(new URL(path, base), { method, headers, body });
  if (!response.ok) {
    throw new ClientError(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response;
}

/** SEAL's parms_id as the plan writes it: the four 64-bit words little-endian, as hex. */
function parmsIdHex(parmsId) {
  const words = parmsId.values();
  const bytes = Buffer.alloc(32);
  for (let i = 0; i < 4; i++) bytes.writeBigUInt64LE(BigInt(words[i]), 8 * i);
  return bytes.toString('hex');
}

/** Slot values for records (at most records_per_ciphertext of them), laid out as the plan's input says. */
function pack(input, records, slotCount) {
  const slots = new Float64Array(slotCount);
  records.forEach((record, r) => {
    if (record.length !== input.features.length) {
      throw new ClientError(`record ${r} has ${record.length} values; the plan has ${input.features.length} features`);
    }
    input.feature_offsets.forEach((offset, t) => {
      const value = (record[t] - (input.mean?.[t] ?? 0)) / (input.scale_by?.[t] ?? 1);
      for (let k = 0; k < input.copies; k++) slots[r * input.record_stride + offset + k * input.replication_period] = value;
    });
  });
  return slots;
}

async function main() {
  const [base, modelId, recordsFile, comprName = 'zstd'] = process.argv.slice(2);
  const apiKey = process.env.HECOMPUTE_API_KEY;
  if (!base || !modelId || !recordsFile || !apiKey) usage();
  const records = JSON.parse(readFileSync(recordsFile, 'utf8'));
  const seal = await SEAL();
  const compr = seal.ComprModeType[comprName];
  if (!['none', 'zlib', 'zstd'].includes(comprName) || !compr) usage();

  // 1. The plan's parameters, exactly as the server chose them.
  const plan = await (await call(base, apiKey, 'GET', `/v1/models/${modelId}/plan`)).json();
  const parms = new seal.EncryptionParameters(seal.SchemeType.ckks);
  // node-seal wants a plain Uint8Array (a Buffer is refused).
  parms.loadFromArray(Uint8Array.from(Buffer.from(plan.parameters.seal_parameters, 'base64')));
  const context = new seal.SEALContext(parms, true, seal.SecLevelType.tc128);
  if (!context.parametersSet()) throw new ClientError('SEAL refuses the plan\'s parameters');
  const parmsId = parmsIdHex(context.keyParmsId());
  if (parmsId !== plan.parameters.parms_id) throw new ClientError(`parms_id ${parmsId} is not the plan's ${plan.parameters.parms_id}`);

  // 2. Own keys; only the evaluation keys the plan lists leave the client, seeded and compressed.
  const keygen = new seal.KeyGenerator(context);
  const publicKey = keygen.createPublicKey();
  const form = new FormData();
  const part = (name, bytes) => form.append(name, new Blob([bytes]), `${name}.seal`);
  part('parms', parms.saveToArray(compr));
  part('public_key', keygen.createPublicKeySerializable().saveToArray(compr));
  if (plan.keys.relinearization_keys) part('relin_keys', keygen.createRelinKeysSerializable().saveToArray(compr));
  if (plan.keys.galois_steps.length > 0) {
    part('galois_keys', keygen.createGaloisKeysSerializableWithSteps(Int32Array.from(plan.keys.galois_steps)).saveToArray(compr));
  }
  const keySet = await (await call(base, apiKey, 'POST', '/v1/keysets', form)).json();

  // 3.–5. Encrypt, predict and decrypt, records_per_ciphertext records at a time.
  const encoder = new seal.CKKSEncoder(context);
  const encryptor = new seal.Encryptor(context, publicKey);
  const decryptor = new seal.Decryptor(context, keygen.secretKey());
  const perCiphertext = plan.input.records_per_ciphertext;
  const outputs = [];
  for (let first = 0; first < records.length; first += perCiphertext) {
    const chunk = records.slice(first, first + perCiphertext);
    const plain = new seal.Plaintext();
    encoder.encode(pack(plan.input, chunk, encoder.slotCount()), plan.parameters.scale, plain);
    const input = new seal.Ciphertext();
    encryptor.encrypt(plain, input);
    const response = await call(
      base, apiKey, 'POST', `/v1/models/${modelId}/predict?keyset_id=${keySet.id}&records=${chunk.length}`,
      input.saveToArray(compr), 'application/octet-stream');
    const result = new seal.Ciphertext();
    result.loadFromArray(context, new Uint8Array(await response.arrayBuffer()));
    const decrypted = new seal.Plaintext();
    decryptor.decrypt(result, decrypted);
    const slots = encoder.decodeFloat64(decrypted);
    chunk.forEach((_, r) => outputs.push(plan.output.offsets.map((offset) => slots[r * plan.input.record_stride + offset])));
  }

  process.stdout.write(`${JSON.stringify({ parms_id: parmsId, key_set_id: keySet.id, key_set_bytes: keySet.total_bytes, outputs })}\n`);
}

try {
  await main();
} catch (e) {
  // node-seal throws WebAssembly exceptions whose message is [C++ type, what()].
  const message = Array.isArray(e?.message) ? e.message.filter((x) => x).join(': ') : (e?.message ?? String(e));
  process.stderr.write(`seal-predict-client: ${message}\n`);
  process.exitCode = 1;
}
