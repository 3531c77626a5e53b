// Microsoft SEAL reference timings (SEAL 4.1 via node-seal 7.0.0, WebAssembly,
// single thread) in the same protocol as HeCompute's C# benchmarks.
//
// RUN (from the repository root; uses tests/interop's install, see README.md):
//   NODE=$(tests/interop/install.sh)
//   "$NODE" --experimental-wasm-exnref bench/seal-reference/bench.mjs [--quick]
//       [--reps8192 300] [--reps16384 100] [--warmup 0.1] [--sizes 8192,16384] [--ops encode,add,...]
//
// Protocol: CKKS; N=8192 with primes {60,40,40,60} bits and N=16384 with
// {60,40,40,40,40,40,40,60}; scale 2^40; inputs are N/2 doubles; ciphertexts at
// the first data level. Each op runs warm-up iterations (a tenth of the
// repetitions, at least 3), then each repetition is timed alone; the result is
// the median, in microseconds. Ops write into a preallocated destination
// (SEAL's out-of-place API), so allocation of the result object is not timed.
// --quick: 20 repetitions for N=8192, 10 for N=16384.
//
// stdout: one JSON object
//   {"8192": {"encode": us, ...}, "16384": {...}, "node": "v26...", "sealVersion": "4.1",
//    "nodeSeal": "7.0.0", "reps": {"8192": n, "16384": n}, "unit": "microseconds (median)"}
// progress on stderr.

import {
  NODE_SEAL_VERSION,
  contextChain,
  loadSeal,
  makeContext,
  makeParms,
} from '../../tests/interop/seal-lib.mjs';

const ALL_OPS = [
  'encode',
  'encrypt_public',
  'encrypt_secret',
  'decrypt',
  'decode',
  'add',
  'multiply_plain',
  'multiply',
  'relinearize',
  'multiply_relinearize',
  'rescale_to_next',
  'rotate_vector_1',
  'complex_conjugate',
];

const PARAMS = {
  8192: [60, 40, 40, 60],
  16384: [60, 40, 40, 40, 40, 40, 40, 60],
};

function parseArgs(argv) {
  const o = { reps: { 8192: 300, 16384: 100 }, warmup: 0.1, sizes: [8192, 16384], ops: ALL_OPS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--quick') o.reps = { 8192: 20, 16384: 10 };
    else if (a === '--reps8192') o.reps[8192] = Number(val());
    else if (a === '--reps16384') o.reps[16384] = Number(val());
    else if (a === '--warmup') o.warmup = Number(val());
    else if (a === '--sizes') o.sizes = val().split(',').map(Number);
    else if (a === '--ops') o.ops = val().split(',');
    else throw new Error(`unknown argument ${a}`);
  }
  for (const n of o.sizes) if (!PARAMS[n]) throw new Error(`unsupported size ${n} (8192, 16384)`);
  for (const op of o.ops) if (!ALL_OPS.includes(op)) throw new Error(`unknown op ${op} (${ALL_OPS.join(', ')})`);
  for (const n of o.sizes) if (!(o.reps[n] >= 1)) throw new Error(`bad repetitions for ${n}`);
  return o;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(fn, reps, warmupFrac) {
  const warm = Math.max(3, Math.ceil(reps * warmupFrac));
  for (let i = 0; i < warm; i++) fn();
  const t = new Array(reps);
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t[i] = (performance.now() - t0) * 1000;
  }
  return Math.round(median(t) * 10) / 10;
}

function benchSize(seal, n, reps, opts) {
  const scale = 2 ** 40;
  const parms = makeParms(seal, { n, bits: PARAMS[n] });
  const ctx = makeContext(seal, parms, 'tc128');
  const chain = contextChain(seal, ctx);
  const keygen = new seal.KeyGenerator(ctx);
  const sk = keygen.secretKey();
  const pk = keygen.createPublicKey();
  const rk = keygen.createRelinKeys();
  const gk = keygen.createGaloisKeysWithSteps(Int32Array.from([1, 0])); // rotate by 1, conjugate
  const encoder = new seal.CKKSEncoder(ctx);
  const encryptor = new seal.Encryptor(ctx, pk, sk);
  const decryptor = new seal.Decryptor(ctx, sk);
  const ev = new seal.Evaluator(ctx);

  const slots = n / 2;
  const x = new Float64Array(slots);
  const y = new Float64Array(slots);
  for (let i = 0; i < slots; i++) {
    x[i] = Math.sin(0.001 * i) * 3;
    y[i] = Math.cos(0.002 * i) * 2;
  }
  const ptX = new seal.Plaintext();
  const ptY = new seal.Plaintext();
  encoder.encode(x, scale, ptX);
  encoder.encode(y, scale, ptY);
  const ctX = new seal.Ciphertext();
  const ctY = new seal.Ciphertext();
  encryptor.encrypt(ptX, ctX);
  encryptor.encrypt(ptY, ctY);
  const ct3 = new seal.Ciphertext(); // size-3 product
  ev.multiply(ctX, ctY, ct3);
  const ctM = new seal.Ciphertext(); // relinearized product, scale 2^80
  ev.relinearize(ct3, rk, ctM);

  const ptOut = new seal.Plaintext();
  const ctOut = new seal.Ciphertext();
  const ops = {
    encode: () => encoder.encode(x, scale, ptOut),
    encrypt_public: () => encryptor.encrypt(ptX, ctOut),
    encrypt_secret: () => encryptor.encryptSymmetric(ptX, ctOut),
    decrypt: () => decryptor.decrypt(ctX, ptOut),
    decode: () => encoder.decodeFloat64(ptX),
    add: () => ev.add(ctX, ctY, ctOut),
    multiply_plain: () => ev.multiplyPlain(ctX, ptY, ctOut),
    multiply: () => ev.multiply(ctX, ctY, ctOut),
    relinearize: () => ev.relinearize(ct3, rk, ctOut),
    multiply_relinearize: () => {
      ev.multiply(ctX, ctY, ctOut);
      ev.relinearizeInplace(ctOut, rk);
    },
    rescale_to_next: () => ev.rescaleToNext(ctM, ctOut),
    rotate_vector_1: () => ev.rotateVector(ctX, 1, gk, ctOut),
    complex_conjugate: () => ev.complexConjugate(ctX, gk, ctOut),
  };

  const res = {};
  for (const op of opts.ops) {
    res[op] = time(ops[op], reps, opts.warmup);
    process.stderr.write(`  N=${n} ${op}: ${res[op]} us\n`);
  }

  // Sanity: the timed pipeline computes the right thing.
  const r = new seal.Ciphertext();
  ev.rescaleToNext(ctM, r);
  ev.rotateVectorInplace(r, 1, gk);
  const p = new seal.Plaintext();
  decryptor.decrypt(r, p);
  const got = encoder.decodeFloat64(p);
  let err = 0;
  for (let i = 0; i < slots; i++) err = Math.max(err, Math.abs(got[i] - x[(i + 1) % slots] * y[(i + 1) % slots]));
  if (!(err < 1e-4)) throw new Error(`N=${n}: sanity check failed (max error ${err})`);
  process.stderr.write(`  N=${n} sanity ok (max error ${err.toExponential(2)}, ${chain.length - 1} data levels)\n`);
  return res;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const seal = await loadSeal();
  const header = new seal.EncryptionParameters(seal.SchemeType.ckks).saveToArray(seal.ComprModeType.none);
  const out = {};
  for (const n of opts.sizes) {
    process.stderr.write(`N=${n}: ${opts.reps[n]} repetitions per op\n`);
    out[n] = benchSize(seal, n, opts.reps[n], opts);
  }
  out.node = process.version;
  out.sealVersion = `${header[3]}.${header[4]}`;
  out.nodeSeal = NODE_SEAL_VERSION;
  out.reps = Object.fromEntries(opts.sizes.map((n) => [n, opts.reps[n]]));
  out.unit = 'microseconds (median)';
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench: ${Array.isArray(e?.message) ? e.message.join(': ') : e?.message ?? e}\n`);
  process.exitCode = 1;
}
