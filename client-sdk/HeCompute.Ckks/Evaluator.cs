using HeCompute.Ckks.Tools;
using HeCompute.Lattice;

namespace HeCompute.Ckks;

/// <summary>
/// SEALNet's <c>Evaluator</c> over the core's <see cref="CkksCore.Evaluator"/>, with SEAL's rules: operands share a
/// level and, for additions, a scale; rescaling divides by the last prime. The core's
/// <see cref="ParmsIdMismatchException"/>, <see cref="ScaleMismatchException"/>, <see cref="InvalidOperandException"/>
/// and <see cref="MissingKeyException"/> reach the caller as SEALNet's <see cref="ArgumentException"/>, with the core's
/// exception inside.
/// </summary>
/// <remarks>
/// The <see cref="MemoryPoolHandle"/> arguments exist so SEALNet code compiles; the engine allocates from shared pools.
/// <see cref="RotateVectorHoisted"/> is an extension over SEALNet.
/// </remarks>
public sealed class Evaluator : DisposableObject
{
    private readonly SEALContext _context;
    private readonly CkksCore.Evaluator _core;

    /// <summary>The core object; SEALNet's members throw <see cref="ObjectDisposedException"/> once the handle is disposed.</summary>
    private CkksCore.Evaluator Live
    {
        get
        {
            ThrowIfDisposed();
            return _core;
        }
    }

    /// <summary>Creates an evaluator.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is null.</exception>
    /// <exception cref="ArgumentException">The context's parameters are not valid. (The core's <see cref="InvalidParametersException"/> is the inner exception.)</exception>
    public Evaluator(SEALContext context)
    {
        _core = new CkksCore.Evaluator(SEALContext.Require(context, nameof(context)));
        _context = context;
    }

    /// <summary>encrypted = −encrypted.</summary>
    public void NegateInplace(Ciphertext encrypted) => SealNetErrors.Run(() => Live.NegateInplace(C(encrypted, nameof(encrypted))));

    /// <summary>destination = −encrypted.</summary>
    public void Negate(Ciphertext encrypted, Ciphertext destination) =>
        SealNetErrors.Run(() => Live.Negate(C(encrypted, nameof(encrypted)), C(destination, nameof(destination))));

    /// <summary>encrypted1 += encrypted2.</summary>
    public void AddInplace(Ciphertext encrypted1, Ciphertext encrypted2) =>
        SealNetErrors.Run(() => Live.AddInplace(C(encrypted1, nameof(encrypted1)), C(encrypted2, nameof(encrypted2))));

    /// <summary>destination = encrypted1 + encrypted2.</summary>
    public void Add(Ciphertext encrypted1, Ciphertext encrypted2, Ciphertext destination) =>
        SealNetErrors.Run(() => Live.Add(C(encrypted1, nameof(encrypted1)), C(encrypted2, nameof(encrypted2)), C(destination, nameof(destination))));

    /// <summary>destination = the sum of all operands.</summary>
    /// <exception cref="ArgumentException">No operands, or one is null.</exception>
    public void AddMany(IEnumerable<Ciphertext> encrypteds, Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(encrypteds);
        var operands = encrypteds.Select(ct => ct?.Core ?? throw new ArgumentException("An operand is null.", nameof(encrypteds))).ToArray();
        SealNetErrors.Run(() => Live.AddMany(operands, C(destination, nameof(destination))));
    }

    /// <summary>encrypted1 −= encrypted2.</summary>
    public void SubInplace(Ciphertext encrypted1, Ciphertext encrypted2) =>
        SealNetErrors.Run(() => Live.SubInplace(C(encrypted1, nameof(encrypted1)), C(encrypted2, nameof(encrypted2))));

    /// <summary>destination = encrypted1 − encrypted2.</summary>
    public void Sub(Ciphertext encrypted1, Ciphertext encrypted2, Ciphertext destination) =>
        SealNetErrors.Run(() => Live.Sub(C(encrypted1, nameof(encrypted1)), C(encrypted2, nameof(encrypted2)), C(destination, nameof(destination))));

    /// <summary>encrypted1 ×= encrypted2 (size grows; relinearize after).</summary>
    public void MultiplyInplace(Ciphertext encrypted1, Ciphertext encrypted2, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.MultiplyInplace(C(encrypted1, nameof(encrypted1)), C(encrypted2, nameof(encrypted2))));

    /// <summary>destination = encrypted1 × encrypted2.</summary>
    public void Multiply(Ciphertext encrypted1, Ciphertext encrypted2, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.Multiply(C(encrypted1, nameof(encrypted1)), C(encrypted2, nameof(encrypted2)), C(destination, nameof(destination))));

    /// <summary>encrypted = encrypted².</summary>
    public void SquareInplace(Ciphertext encrypted, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.SquareInplace(C(encrypted, nameof(encrypted))));

    /// <summary>destination = encrypted².</summary>
    public void Square(Ciphertext encrypted, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.Square(C(encrypted, nameof(encrypted)), C(destination, nameof(destination))));

    /// <summary>SEALNet's product of many ciphertexts, which SEAL offers for BFV and BGV only.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="encrypteds"/> is empty.</exception>
    /// <exception cref="InvalidOperationException">Otherwise: SEAL refuses it for CKKS, whose products need a rescale after each multiplication.</exception>
    public void MultiplyMany(IEnumerable<Ciphertext> encrypteds, RelinKeys relinKeys, Ciphertext destination, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(encrypteds);
        ArgumentNullException.ThrowIfNull(relinKeys);
        ArgumentNullException.ThrowIfNull(destination);
        if (!encrypteds.Any())
        {
            throw new ArgumentException("encrypteds must not be empty.", nameof(encrypteds));
        }

        throw new InvalidOperationException("MultiplyMany is for BFV and BGV; SEAL refuses it for CKKS (multiply, relinearize and rescale instead).");
    }

    /// <summary>SEALNet's power of a ciphertext: the identity for exponent 1; otherwise, like SEAL, refused for CKKS.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="exponent"/> is 0.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="exponent"/> is above 1 (SEAL computes it with <see cref="MultiplyMany"/>).</exception>
    public void ExponentiateInplace(Ciphertext encrypted, ulong exponent, RelinKeys relinKeys, MemoryPoolHandle? pool = null)
    {
        C(encrypted, nameof(encrypted));
        ArgumentNullException.ThrowIfNull(relinKeys);
        if (exponent == 0)
        {
            throw new ArgumentException("exponent cannot be 0.", nameof(exponent));
        }

        if (exponent > 1)
        {
            throw new InvalidOperationException("Exponentiate is for BFV and BGV; SEAL refuses it for CKKS (square or multiply, relinearize and rescale instead).");
        }
    }

    /// <summary>destination = encrypted^exponent, with <see cref="ExponentiateInplace"/>'s rules.</summary>
    public void Exponentiate(Ciphertext encrypted, ulong exponent, RelinKeys relinKeys, Ciphertext destination, MemoryPoolHandle? pool = null)
    {
        ExponentiateInplace(encrypted, exponent, relinKeys, pool);
        C(destination, nameof(destination)).Set(encrypted.Core);
    }

    /// <summary>Brings a size-3 ciphertext back to size 2 with the relinearization key.</summary>
    /// <exception cref="ArgumentException"><paramref name="relinKeys"/> has no key for s². (The core's <see cref="MissingKeyException"/> is the inner exception.)</exception>
    public void RelinearizeInplace(Ciphertext encrypted, RelinKeys relinKeys, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.RelinearizeInplace(C(encrypted, nameof(encrypted)), Keys(relinKeys, nameof(relinKeys))));

    /// <summary>destination = encrypted relinearized.</summary>
    public void Relinearize(Ciphertext encrypted, RelinKeys relinKeys, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.Relinearize(C(encrypted, nameof(encrypted)), Keys(relinKeys, nameof(relinKeys)), C(destination, nameof(destination))));

    /// <summary>Switches to the next level without dividing (the scale stays).</summary>
    /// <exception cref="ArgumentException">The ciphertext is at the end of the chain.</exception>
    public void ModSwitchToNextInplace(Ciphertext encrypted, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.ModSwitchToNextInplace(Next(encrypted, nameof(encrypted))));

    /// <summary>destination = encrypted at the next level.</summary>
    public void ModSwitchToNext(Ciphertext encrypted, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.ModSwitchToNext(Next(encrypted, nameof(encrypted)), C(destination, nameof(destination))));

    /// <summary>Switches down to the level <paramref name="parmsId"/>.</summary>
    public void ModSwitchToInplace(Ciphertext encrypted, ParmsId parmsId, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.ModSwitchToInplace(C(encrypted, nameof(encrypted)), Target(parmsId, nameof(parmsId))));

    /// <summary>destination = encrypted at the level <paramref name="parmsId"/>.</summary>
    public void ModSwitchTo(Ciphertext encrypted, ParmsId parmsId, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.ModSwitchTo(C(encrypted, nameof(encrypted)), Target(parmsId, nameof(parmsId)), C(destination, nameof(destination))));

    /// <summary>Switches a plaintext to the next level.</summary>
    /// <exception cref="ArgumentException">The plaintext is at the end of the chain.</exception>
    public void ModSwitchToNextInplace(Plaintext plain) =>
        SealNetErrors.Run(() => Live.ModSwitchToNextInplace(Next(plain, nameof(plain))));

    /// <summary>destination = plain at the next level.</summary>
    public void ModSwitchToNext(Plaintext plain, Plaintext destination) =>
        SealNetErrors.Run(() => Live.ModSwitchToNext(Next(plain, nameof(plain)), Plaintext.Unwrap(destination, nameof(destination))));

    /// <summary>Switches a plaintext down to the level <paramref name="parmsId"/>.</summary>
    public void ModSwitchToInplace(Plaintext plain, ParmsId parmsId) =>
        SealNetErrors.Run(() => Live.ModSwitchToInplace(Plaintext.Unwrap(plain, nameof(plain)), Target(parmsId, nameof(parmsId))));

    /// <summary>destination = plain at the level <paramref name="parmsId"/>.</summary>
    public void ModSwitchTo(Plaintext plain, ParmsId parmsId, Plaintext destination) =>
        SealNetErrors.Run(() => Live.ModSwitchTo(Plaintext.Unwrap(plain, nameof(plain)), Target(parmsId, nameof(parmsId)), Plaintext.Unwrap(destination, nameof(destination))));

    /// <summary>Drops the last prime without dividing (SEAL's <c>mod_reduce_to_next</c>, for CKKS the same as <see cref="ModSwitchToNextInplace(Ciphertext, MemoryPoolHandle?)"/>).</summary>
    /// <exception cref="ArgumentException">The ciphertext is at the end of the chain.</exception>
    public void ModReduceToNextInplace(Ciphertext encrypted, MemoryPoolHandle? pool = null) => ModSwitchToNextInplace(encrypted, pool);

    /// <summary>destination = encrypted with the last prime dropped, without dividing.</summary>
    public void ModReduceToNext(Ciphertext encrypted, Ciphertext destination, MemoryPoolHandle? pool = null) => ModSwitchToNext(encrypted, destination, pool);

    /// <summary>Drops primes down to the level <paramref name="parmsId"/> without dividing (for CKKS the same as <see cref="ModSwitchToInplace(Ciphertext, ParmsId, MemoryPoolHandle?)"/>).</summary>
    public void ModReduceToInplace(Ciphertext encrypted, ParmsId parmsId, MemoryPoolHandle? pool = null) => ModSwitchToInplace(encrypted, parmsId, pool);

    /// <summary>destination = encrypted at the level <paramref name="parmsId"/>, without dividing.</summary>
    public void ModReduceTo(Ciphertext encrypted, ParmsId parmsId, Ciphertext destination, MemoryPoolHandle? pool = null) => ModSwitchTo(encrypted, parmsId, destination, pool);

    /// <summary>Divides by the last prime and moves to the next level (the scale is divided by that prime).</summary>
    /// <exception cref="ArgumentException">The ciphertext is at the end of the chain.</exception>
    public void RescaleToNextInplace(Ciphertext encrypted, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.RescaleToNextInplace(Next(encrypted, nameof(encrypted))));

    /// <summary>destination = encrypted rescaled to the next level.</summary>
    public void RescaleToNext(Ciphertext encrypted, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.RescaleToNext(Next(encrypted, nameof(encrypted)), C(destination, nameof(destination))));

    /// <summary>Rescales down to the level <paramref name="parmsId"/>.</summary>
    public void RescaleToInplace(Ciphertext encrypted, ParmsId parmsId, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.RescaleToInplace(C(encrypted, nameof(encrypted)), Target(parmsId, nameof(parmsId))));

    /// <summary>destination = encrypted rescaled to the level <paramref name="parmsId"/>.</summary>
    public void RescaleTo(Ciphertext encrypted, ParmsId parmsId, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.RescaleTo(C(encrypted, nameof(encrypted)), Target(parmsId, nameof(parmsId)), C(destination, nameof(destination))));

    /// <summary>encrypted += plain.</summary>
    public void AddPlainInplace(Ciphertext encrypted, Plaintext plain) =>
        SealNetErrors.Run(() => Live.AddPlainInplace(C(encrypted, nameof(encrypted)), Plaintext.Unwrap(plain, nameof(plain))));

    /// <summary>destination = encrypted + plain.</summary>
    public void AddPlain(Ciphertext encrypted, Plaintext plain, Ciphertext destination) =>
        SealNetErrors.Run(() => Live.AddPlain(C(encrypted, nameof(encrypted)), Plaintext.Unwrap(plain, nameof(plain)), C(destination, nameof(destination))));

    /// <summary>encrypted −= plain.</summary>
    public void SubPlainInplace(Ciphertext encrypted, Plaintext plain) =>
        SealNetErrors.Run(() => Live.SubPlainInplace(C(encrypted, nameof(encrypted)), Plaintext.Unwrap(plain, nameof(plain))));

    /// <summary>destination = encrypted − plain.</summary>
    public void SubPlain(Ciphertext encrypted, Plaintext plain, Ciphertext destination) =>
        SealNetErrors.Run(() => Live.SubPlain(C(encrypted, nameof(encrypted)), Plaintext.Unwrap(plain, nameof(plain)), C(destination, nameof(destination))));

    /// <summary>encrypted ×= plain.</summary>
    public void MultiplyPlainInplace(Ciphertext encrypted, Plaintext plain, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.MultiplyPlainInplace(C(encrypted, nameof(encrypted)), Plaintext.Unwrap(plain, nameof(plain))));

    /// <summary>destination = encrypted × plain.</summary>
    public void MultiplyPlain(Ciphertext encrypted, Plaintext plain, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.MultiplyPlain(C(encrypted, nameof(encrypted)), Plaintext.Unwrap(plain, nameof(plain)), C(destination, nameof(destination))));

    /// <summary>Applies the automorphism X → X^galoisElt and switches the key back.</summary>
    /// <exception cref="ArgumentException"><paramref name="galoisKeys"/> has no key for the element. (The core's <see cref="MissingKeyException"/> is the inner exception.)</exception>
    public void ApplyGaloisInplace(Ciphertext encrypted, uint galoisElt, GaloisKeys galoisKeys, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.ApplyGaloisInplace(C(encrypted, nameof(encrypted)), galoisElt, Keys(galoisKeys, nameof(galoisKeys))));

    /// <summary>destination = encrypted under the automorphism X → X^galoisElt.</summary>
    public void ApplyGalois(Ciphertext encrypted, uint galoisElt, GaloisKeys galoisKeys, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.ApplyGalois(C(encrypted, nameof(encrypted)), galoisElt, Keys(galoisKeys, nameof(galoisKeys)), C(destination, nameof(destination))));

    /// <summary>Rotates the slots left by <paramref name="steps"/> (right if negative).</summary>
    /// <exception cref="ArgumentException"><paramref name="galoisKeys"/> has no key for the step. (The core's <see cref="MissingKeyException"/> is the inner exception.)</exception>
    /// <remarks>
    /// As in SEAL, a step without its own key is done as rotations by the signed powers of two of its non-adjacent
    /// form, whose keys SEAL's default Galois keys hold.
    /// </remarks>
    public void RotateVectorInplace(Ciphertext encrypted, int steps, GaloisKeys galoisKeys, MemoryPoolHandle? pool = null)
    {
        var core = C(encrypted, nameof(encrypted));
        var keys = Keys(galoisKeys, nameof(galoisKeys));
        foreach (var step in KeyedSteps(core, steps, keys))
        {
            SealNetErrors.Run(() => Live.RotateVectorInplace(core, step, keys));
        }
    }

    /// <summary>destination = encrypted rotated left by <paramref name="steps"/> (see <see cref="RotateVectorInplace"/>).</summary>
    public void RotateVector(Ciphertext encrypted, int steps, GaloisKeys galoisKeys, Ciphertext destination, MemoryPoolHandle? pool = null)
    {
        var core = C(encrypted, nameof(encrypted));
        var keys = Keys(galoisKeys, nameof(galoisKeys));
        var output = C(destination, nameof(destination));
        var parts = KeyedSteps(core, steps, keys);
        SealNetErrors.Run(() => Live.RotateVector(core, parts[0], keys, output));
        for (var i = 1; i < parts.Count; i++)
        {
            SealNetErrors.Run(() => Live.RotateVectorInplace(output, parts[i], keys));
        }
    }

    /// <summary>
    /// The rotations that make up <paramref name="steps"/>: the step itself if it has a key (or nothing else could),
    /// otherwise its non-adjacent form — SEAL's rule. A missing key then fails in the core, naming the step.
    /// </summary>
    private static List<int> KeyedSteps(Rlwe.Ciphertext encrypted, int steps, Rlwe.GaloisKeys keys)
    {
        if (steps == 0 || encrypted.PolyModulusDegree == 0 || keys.HasKey(Rlwe.GaloisElements.FromStep(steps, (int)encrypted.PolyModulusDegree)))
        {
            return [steps];
        }

        // A rotation by the slot count is the identity, so the step is taken modulo it and such parts are dropped.
        var slots = (long)encrypted.PolyModulusDegree / 2;
        var rest = ((steps % slots) + slots) % slots;
        var parts = new List<int>();
        for (var power = 1L; rest != 0; power <<= 1, rest >>= 1)
        {
            if ((rest & 1) == 0)
            {
                continue;
            }

            // Digit +1 or -1 so that no two adjacent digits are non-zero.
            var digit = 2 - (rest & 3);
            if (power < slots)
            {
                parts.Add((int)(digit * power));
            }

            rest -= digit;
        }

        return parts.Count switch
        {
            0 => [0],
            1 => [steps],
            _ => parts,
        };
    }

    /// <summary>Conjugates every slot.</summary>
    public void ComplexConjugateInplace(Ciphertext encrypted, GaloisKeys galoisKeys, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.ComplexConjugateInplace(C(encrypted, nameof(encrypted)), Keys(galoisKeys, nameof(galoisKeys))));

    /// <summary>destination = encrypted with every slot conjugated.</summary>
    public void ComplexConjugate(Ciphertext encrypted, GaloisKeys galoisKeys, Ciphertext destination, MemoryPoolHandle? pool = null) =>
        SealNetErrors.Run(() => Live.ComplexConjugate(C(encrypted, nameof(encrypted)), Keys(galoisKeys, nameof(galoisKeys)), C(destination, nameof(destination))));

    /// <summary>SEALNet's BFV/BGV row rotation, which SEAL refuses for CKKS (use <see cref="RotateVectorInplace"/>).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">Otherwise: the scheme is CKKS.</exception>
    public void RotateRowsInplace(Ciphertext encrypted, int steps, GaloisKeys galoisKeys, MemoryPoolHandle? pool = null) =>
        RefuseBatching(encrypted, galoisKeys, "RotateRows");

    /// <summary>SEALNet's BFV/BGV row rotation, which SEAL refuses for CKKS.</summary>
    /// <exception cref="InvalidOperationException">The scheme is CKKS.</exception>
    public void RotateRows(Ciphertext encrypted, int steps, GaloisKeys galoisKeys, Ciphertext destination, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        RefuseBatching(encrypted, galoisKeys, "RotateRows");
    }

    /// <summary>SEALNet's BFV/BGV column rotation, which SEAL refuses for CKKS (use <see cref="ComplexConjugateInplace"/>).</summary>
    /// <exception cref="InvalidOperationException">The scheme is CKKS.</exception>
    public void RotateColumnsInplace(Ciphertext encrypted, GaloisKeys galoisKeys, MemoryPoolHandle? pool = null) =>
        RefuseBatching(encrypted, galoisKeys, "RotateColumns");

    /// <summary>SEALNet's BFV/BGV column rotation, which SEAL refuses for CKKS.</summary>
    /// <exception cref="InvalidOperationException">The scheme is CKKS.</exception>
    public void RotateColumns(Ciphertext encrypted, GaloisKeys galoisKeys, Ciphertext destination, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        RefuseBatching(encrypted, galoisKeys, "RotateColumns");
    }

    private static void RefuseBatching(Ciphertext encrypted, GaloisKeys galoisKeys, string operation)
    {
        C(encrypted, nameof(encrypted));
        ArgumentNullException.ThrowIfNull(galoisKeys);
        throw new InvalidOperationException($"{operation} is for BFV and BGV batching; SEAL refuses it for CKKS (use RotateVector or ComplexConjugate).");
    }

    /// <summary>
    /// Rotates by every step in <paramref name="steps"/> sharing one decomposition of c1 (hoisting; an extension over
    /// SEALNet). destinations[i] receives the rotation by steps[i]; missing list entries are added.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="galoisKeys"/> lacks the key of a step (checked before any work). (The core's <see cref="MissingKeyException"/> is the inner exception.)</exception>
    public void RotateVectorHoisted(Ciphertext encrypted, IReadOnlyList<int> steps, GaloisKeys galoisKeys, IList<Ciphertext> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var outputs = new List<Rlwe.Ciphertext>(destinations.Count);
        foreach (var destination in destinations)
        {
            outputs.Add(C(destination, nameof(destinations)));
        }

        var given = outputs.Count;
        SealNetErrors.Run(() => Live.RotateVectorHoisted(C(encrypted, nameof(encrypted)), steps, Keys(galoisKeys, nameof(galoisKeys)), outputs));
        for (var i = given; i < outputs.Count; i++)
        {
            destinations.Add(new Ciphertext(outputs[i]));
        }
    }

    /// <summary>
    /// SEALNet's transform of a plaintext to NTT form at <paramref name="parmsId"/>. A CKKS plaintext from the encoder is
    /// already in NTT form, so SEAL refuses it; one that is not in NTT form is valid for CKKS only when it has no
    /// coefficients (SEAL checks them against the plain modulus, 0 for CKKS), and becomes the zero plaintext of that level.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="plain"/> is not valid for the parameters, <paramref name="parmsId"/> is not a level of the chain, or <paramref name="plain"/> is already in NTT form.</exception>
    public void TransformToNTTInplace(Plaintext plain, ParmsId parmsId, MemoryPoolHandle? pool = null) =>
        TransformToNTT(plain, parmsId, plain, pool);

    /// <summary>destinationNTT = <paramref name="plain"/> in NTT form at <paramref name="parmsId"/>, with <see cref="TransformToNTTInplace(Plaintext, ParmsId, MemoryPoolHandle?)"/>'s rules.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">As <see cref="TransformToNTTInplace(Plaintext, ParmsId, MemoryPoolHandle?)"/>; like SEAL, the destination already holds the copy of <paramref name="plain"/>.</exception>
    public void TransformToNTT(Plaintext plain, ParmsId parmsId, Plaintext destinationNTT, MemoryPoolHandle? pool = null)
    {
        ArgumentNullException.ThrowIfNull(plain);
        ArgumentNullException.ThrowIfNull(parmsId);
        ArgumentNullException.ThrowIfNull(destinationNTT);
        ThrowIfDisposed();
        if (!ReferenceEquals(plain, destinationNTT))
        {
            destinationNTT.Set(plain);
        }

        var target = destinationNTT.Core;
        if (!ValCheck.IsValid(target, _context, allowKeyLevel: false))
        {
            throw new ArgumentException("plain is not valid for encryption parameters", nameof(plain));
        }

        if (_context.GetContextData(parmsId)?.Level is not { } level)
        {
            throw new ArgumentException("parms_id is not valid for the current context", nameof(parmsId));
        }

        if (target.IsNTTForm)
        {
            throw new ArgumentException("plain is already in NTT form", nameof(plain));
        }

        // Valid and not in NTT form means no coefficients (see the summary): the transform of zero is zero.
        target.Resize((ulong)(level.PolyModulusDegree * level.PrimeCount));
        target.SetZero();
        target.ParmsId = level.ParmsId;
    }

    /// <summary>Transforms a ciphertext in coefficient form (after <see cref="TransformFromNTTInplace"/>) back to NTT form, the form CKKS computes in.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="encrypted"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="encrypted"/> is not valid for the parameters, or is already in NTT form.</exception>
    /// <exception cref="InvalidOperationException">The result would be transparent.</exception>
    public void TransformToNTTInplace(Ciphertext encrypted) => TransformToNTT(encrypted, encrypted);

    /// <summary>destinationNTT = <paramref name="encrypted"/> in NTT form, with <see cref="TransformToNTTInplace(Ciphertext)"/>'s rules.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">As <see cref="TransformToNTTInplace(Ciphertext)"/>.</exception>
    /// <exception cref="InvalidOperationException">The result would be transparent.</exception>
    public void TransformToNTT(Ciphertext encrypted, Ciphertext destinationNTT) =>
        Transform(encrypted, destinationNTT, toNtt: true, nameof(encrypted));

    /// <summary>
    /// Transforms a ciphertext from NTT form to coefficient form. The engine computes on NTT-form ciphertexts only, so
    /// every other operation, and decryption (as in SEAL for CKKS), refuses the result until it is transformed back.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="encryptedNTT"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="encryptedNTT"/> is not valid for the parameters, or is not in NTT form.</exception>
    /// <exception cref="InvalidOperationException">The result would be transparent.</exception>
    public void TransformFromNTTInplace(Ciphertext encryptedNTT) => TransformFromNTT(encryptedNTT, encryptedNTT);

    /// <summary>destination = <paramref name="encryptedNTT"/> in coefficient form, with <see cref="TransformFromNTTInplace"/>'s rules.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">As <see cref="TransformFromNTTInplace"/>.</exception>
    /// <exception cref="InvalidOperationException">The result would be transparent.</exception>
    public void TransformFromNTT(Ciphertext encryptedNTT, Ciphertext destination) =>
        Transform(encryptedNTT, destination, toNtt: false, nameof(encryptedNTT));

    private void Transform(Ciphertext source, Ciphertext destination, bool toNtt, string name)
    {
        ArgumentNullException.ThrowIfNull(source, name);
        ArgumentNullException.ThrowIfNull(destination);
        ThrowIfDisposed();
        var input = source.Core;
        if (ValCheck.MetadataLevel(input, _context, allowKeyLevel: false) is not { } level)
        {
            throw new ArgumentException($"{(toNtt ? "encrypted" : "encrypted_ntt")} is not valid for encryption parameters", name);
        }

        if (input.IsNTTForm == toNtt)
        {
            throw new ArgumentException(toNtt ? "encrypted is already in NTT form" : "encrypted_ntt is not in NTT form", name);
        }

        var output = destination.Core;
        if (!ReferenceEquals(input, output))
        {
            output.Set(input);
        }

        for (var poly = 0; poly < (int)output.Size; poly++)
        {
            for (var prime = 0; prime < level.PrimeCount; prime++)
            {
                if (toNtt)
                {
                    level.Ntt[prime].Forward(output.Limb(poly, prime));
                }
                else
                {
                    level.Ntt[prime].Inverse(output.Limb(poly, prime));
                }
            }
        }

        output.IsNTTForm = toNtt;
        if (output.IsTransparent)
        {
            // SEAL (built with SEAL_THROW_ON_TRANSPARENT_CIPHERTEXT, its default) refuses a result that reveals its message.
            throw new InvalidOperationException("result ciphertext is transparent");
        }
    }


    private static Rlwe.Ciphertext C(Ciphertext encrypted, string name) => Ciphertext.Unwrap(encrypted, name);

    private static Rlwe.RelinKeys Keys(RelinKeys keys, string name)
    {
        ArgumentNullException.ThrowIfNull(keys, name);
        return keys.Core;
    }

    private static Rlwe.GaloisKeys Keys(GaloisKeys keys, string name)
    {
        ArgumentNullException.ThrowIfNull(keys, name);
        return keys.Core;
    }

    /// <summary>
    /// An operand about to move one level down: refused at the end of this context's chain, which ends early when the
    /// context was built without <c>expandModChain</c> (the core's chain is always complete).
    /// </summary>
    private TCore Next<TCore>(SealObject<TCore> operand, string name)
        where TCore : class, Rlwe.ISealObject
    {
        var core = SealObject<TCore>.Unwrap(operand, name);
        if (_context.GetContextData(core.ParmsId) is { NextContextData: null })
        {
            throw new ArgumentException("End of the modulus switching chain reached.", name);
        }

        return core;
    }

    /// <summary>A target level, refused when the core has it but this context's (shortened) chain does not.</summary>
    private Rlwe.ParmsId Target(ParmsId parmsId, string name)
    {
        var target = ParmsId.Require(parmsId, name);
        if (_context.GetContextData(target) is null && _context.CoreParameters!.GetLevel(target) is not null)
        {
            throw new ArgumentException("The level is not in this context's modulus switching chain (it was built without expandModChain).", name);
        }

        return target;
    }
}
