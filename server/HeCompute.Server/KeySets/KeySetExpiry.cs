using HeCompute.Contracts;
using HeCompute.Server.Errors;
using HeCompute.Server.Storage;

namespace HeCompute.Server.KeySets;

/// <summary>
/// Key set lifetimes: evaluation keys are rotated regularly, so a key set may carry an expiry after which no new
/// computation uses it. Computations already accepted (a running or resumed job) finish with the keys they started with.
/// </summary>
public static class KeySetExpiry
{
    /// <summary>Whether the key set had expired at <paramref name="now"/>.</summary>
    public static bool IsExpired(KeySetRecord keySet, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keySet);
        return keySet.ExpiresAt <= now;
    }

    /// <summary>Refuses an expired key set for a new computation.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.KeySetExpired"/>.</exception>
    public static void RequireUnexpired(KeySetRecord keySet, DateTimeOffset now)
    {
        if (IsExpired(keySet, now))
        {
            throw DomainErrors.KeySetExpired(FormattableString.Invariant(
                $"Key set {keySet.Id} expired at {keySet.ExpiresAt!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}; upload fresh keys (hecompute keys rotate --model <id>) and use the new key set."));
        }
    }

    /// <summary>The expiry of a new key set: the requested one (validated), else now plus the configured default lifetime, else none.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> for an expiry not in the future or beyond the maximum lifetime.</exception>
    public static DateTimeOffset? For(DateTimeOffset? requested, TimeSpan? defaultLifetime, DateTimeOffset now)
    {
        if (requested is { } expiresAt)
        {
            return expiresAt > now && expiresAt <= now.AddDays(KeySetParts.MaxLifetimeDays)
                ? expiresAt
                : throw DomainErrors.Invalid(
                    $"The '{KeySetParts.ExpiresAt}' part must lie in the future and at most {KeySetParts.MaxLifetimeDays} days from now.");
        }

        return defaultLifetime is { } lifetime ? now + lifetime : null;
    }
}
