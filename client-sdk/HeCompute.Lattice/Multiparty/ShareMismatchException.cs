namespace HeCompute.Lattice.Multiparty;

/// <summary>Which binding of a protocol share did not match what the protocol step expected.</summary>
public enum ShareMismatch
{
    /// <summary>A share of another protocol or round.</summary>
    Kind,

    /// <summary>A share of another session (other common seed, parameters, party count or threshold).</summary>
    Session,

    /// <summary>A share at another level (parms_id) than the key or the ciphertext it is for.</summary>
    Level,

    /// <summary>A share from a party outside the session, from a party not expected, or a second share from one party.</summary>
    Party,

    /// <summary>A Galois-key share for another Galois element.</summary>
    GaloisElement,

    /// <summary>A share for another target: another ciphertext, querier key, set of active parties or round-one aggregate.</summary>
    Target,

    /// <summary>The shares do not come from exactly the parties the step needs (all N, or the t active ones).</summary>
    Incomplete,
}

/// <summary>
/// A well-formed protocol share that belongs elsewhere: another protocol or round, session, level, party, Galois element
/// or target; or a set of shares that is not exactly the parties needed. <see cref="Reason"/> says which.
/// </summary>
public sealed class ShareMismatchException : SealException
{
    /// <summary>Creates the exception.</summary>
    public ShareMismatchException(ShareMismatch reason, string message) : base(message) => Reason = reason;

    /// <summary>Which binding failed.</summary>
    public ShareMismatch Reason { get; }
}
