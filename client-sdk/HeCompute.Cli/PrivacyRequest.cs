using HeCompute.Client.Privacy;
using HeCompute.Client.Statistics;
using HeCompute.Contracts;

namespace HeCompute.Cli;

/// <summary>What <c>stats --dp-…</c> asked for, checked before any work is done.</summary>
internal sealed class PrivacyRequest
{
    private readonly PrivacyMechanism _mechanism;
    private readonly double _epsilon;
    private readonly double _delta;
    private readonly int? _seed;

    private PrivacyRequest(PrivacyMechanism mechanism, double epsilon, double delta, int? seed)
    {
        _mechanism = mechanism;
        _epsilon = epsilon;
        _delta = delta;
        _seed = seed;
    }

    /// <summary>The request, or null when no --dp-epsilon was given (then no other --dp option may be).</summary>
    public static PrivacyRequest? From(double? epsilon, double? delta, string mechanism, int? seed)
    {
        var gaussian = mechanism == "gaussian";
        if (epsilon is not { } e)
        {
            return delta is null && seed is null && !gaussian
                ? null
                : throw new CliException("--dp-delta, --dp-mechanism and --dp-seed only apply to a release: give --dp-epsilon too.");
        }

        if (!(e > 0) || !double.IsFinite(e))
        {
            throw new CliException($"--dp-epsilon must be a finite positive number, not {e}.");
        }

        if (gaussian && delta is not ({ } d and > 0 and < 1))
        {
            throw new CliException("--dp-mechanism gaussian needs --dp-delta in (0, 1), far below 1/n.");
        }

        if (!gaussian && delta is not null)
        {
            throw new CliException("--dp-delta applies to the Gaussian mechanism only: the Laplace mechanism is pure ε-DP.");
        }

        return new PrivacyRequest(gaussian ? PrivacyMechanism.Gaussian : PrivacyMechanism.Laplace, e, delta ?? 0, seed);
    }

    /// <summary>Releases the decrypted statistics with the dataset's declared bounds and the job's public record count.</summary>
    public PrivateStatistics Release(DatasetStatistics exact, DatasetResponse dataset)
    {
        // A seeded generator is predictable, so it gives no privacy: only for reproducible demos (the result says so).
        var privacy = _seed is { } seed ? new DifferentialPrivacy(new Random(seed)) : new DifferentialPrivacy();
        return StatisticsRelease.Release(exact.Statistics, dataset.Lower, dataset.Upper, exact.Records, _mechanism, _epsilon, _delta, privacy, _seed is not null);
    }
}
