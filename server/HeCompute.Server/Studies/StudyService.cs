using System.Text.Json;
using HeCompute.Contracts;
using HeCompute.Lattice.Multiparty;
using HeCompute.Lattice.Rlwe;
using HeCompute.Server.Audit;
using HeCompute.Server.Compute;
using HeCompute.Server.Datasets;
using HeCompute.Server.Errors;
using HeCompute.Server.KeySets;
using HeCompute.Server.Plans;
using HeCompute.Server.Storage;

namespace HeCompute.Server.Studies;

/// <summary>
/// Joint studies under a collective key. The coordinator defines the study (a dataset it holds, every other
/// participant a contributor); every participant joins and sends one share per round; the server aggregates complete
/// rounds into the collective public, relinearization and Galois keys (a key set in the coordinator's name, bound to
/// the dataset), so records are appended and statistics computed by the dataset machinery. A release switches one
/// statistics result to a querier's public key with every participant's decryption share. A tenant that does not
/// participate gets 404 everywhere (the querier only reads its own released ciphertext).
/// </summary>
public sealed class StudyService(
    IMetadataStore metadata,
    IStudyStore studies,
    IBlobStore blobs,
    BlobCollector collector,
    ParameterContexts contexts,
    DatasetService datasets,
    KeySetService keySets,
    IComputeScheduler compute,
    TimeProvider time)
{
    private const int MaxNameLength = 100;

    // One aggregation at a time: the last two shares of a round may arrive together, and each aggregate is written once.
    private readonly SemaphoreSlim _aggregation = new(1, 1);

    /// <summary>Validates the participants, plans the study's dataset and stores the study (the coordinator is party 0 and joined).</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> naming the field at fault.</exception>
    public async Task<StudyView> CreateAsync(string tenantId, CreateStudyRequest request, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(audit);
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            throw DomainErrors.Invalid($"name: a study name of 1 to {MaxNameLength} characters is required.");
        }

        var others = request.Participants ?? [];
        if (others.Count is < 1 or >= MultipartySession.MaxParties || others.Distinct(StringComparer.Ordinal).Count() != others.Count || others.Contains(tenantId))
        {
            throw DomainErrors.Invalid($"participants: 1 to {MultipartySession.MaxParties - 1} other tenants, each once and not the creator, are required.");
        }

        foreach (var other in others)
        {
            if (string.IsNullOrWhiteSpace(other) || await metadata.Tenants.GetAsync(other, cancellationToken).ConfigureAwait(false) is null)
            {
                throw DomainErrors.Invalid($"participants: '{other}' is not an existing tenant.");
            }
        }

        var dataset = await datasets.CreateAsync(
            tenantId,
            new CreateDatasetRequest($"study {name}", request.Features, request.Lower, request.Upper, null, request.EncryptedFinish, request.MaxRecords, request.PrecisionBits),
            audit,
            cancellationToken).ConfigureAwait(false);
        var plan = StoredPlans.Read(dataset.PlanJson);
        var parameters = await contexts.GetAsync(plan.Parameters, cancellationToken).ConfigureAwait(false);
        if (!parameters.SupportsKeySwitching)
        {
            await datasets.DeleteAsync(tenantId, dataset.Id, audit, CancellationToken.None).ConfigureAwait(false);
            throw DomainErrors.Invalid("features: the plan has a single prime, so no collective key-switching keys can be made for it.");
        }

        foreach (var other in others)
        {
            await datasets.AddContributorAsync(tenantId, dataset.Id, other, audit, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var participants = new List<StudyParticipantRecord> { new(tenantId, 0, now) };
        participants.AddRange(others.Select((t, i) => new StudyParticipantRecord(t, i + 1, null)));
        var study = new StudyRecord(
            Ids.New("st"), tenantId, name, dataset.Id, Convert.ToBase64String(CommonReference.CreateRandom().Seed), participants.Count, participants, null, now);
        await studies.CreateAsync(study, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(study.Id);
        audit.ParmsId = plan.Parameters.ParmsId;
        return await ViewAsync(study, tenantId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The study as the participant sees it.</summary>
    /// <exception cref="NotFoundException">The tenant does not participate in such a study.</exception>
    public async Task<StudyView> GetAsync(string tenantId, string studyId, AuditRecord audit, CancellationToken cancellationToken)
    {
        var study = await RequireAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(study, tenantId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The studies the tenant participates in.</summary>
    public async Task<IReadOnlyList<StudyView>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        var list = await studies.ListAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var views = new List<StudyView>(list.Count);
        foreach (var study in list)
        {
            views.Add(await ViewAsync(study, tenantId, cancellationToken).ConfigureAwait(false));
        }

        return views;
    }

    /// <summary>Records that the participant takes part (idempotent).</summary>
    /// <exception cref="NotFoundException">The tenant does not participate in such a study.</exception>
    public async Task<StudyView> JoinAsync(string tenantId, string studyId, AuditRecord audit, CancellationToken cancellationToken)
    {
        await RequireAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        await studies.JoinAsync(tenantId, studyId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return await GetAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Accepts the participant's share for a key-generation round (and Galois element), then aggregates the round
    /// if it is complete, and creates the collective key set once every round is.
    /// </summary>
    /// <exception cref="DomainException">
    /// Not found; <see cref="DomainErrorKind.Invalid"/> for an unknown round or element; a conflict (not everyone joined,
    /// round two before round one, keys complete); <see cref="DomainErrorKind.ShareMismatch"/>;
    /// <see cref="DomainErrorKind.ShareResent"/> for a second share of the round.
    /// </exception>
    public async Task<(StudyShareRecord Share, bool RoundComplete)> SubmitShareAsync(
        string tenantId, string studyId, string round, uint? element, Func<long, CancellationToken, Task<StagedBlob>> stageBody, AuditRecord audit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stageBody);
        var study = await RequireAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        var kind = StudyCeremony.KindOf(round);
        var (plan, ceremony) = await CeremonyAsync(study, cancellationToken).ConfigureAwait(false);
        var galois = kind == ShareKind.GaloisKey;
        var galoisElement = element ?? 0;
        if (galois ? !plan.Keys.GaloisElements.Contains(galoisElement) : element is not null and not 0)
        {
            throw DomainErrors.Invalid(galois
                ? $"element: the plan's Galois elements are {string.Join(", ", plan.Keys.GaloisElements)}; {galoisElement} is not one of them."
                : "element: only an rtg round takes a Galois element.");
        }

        if (kind is ShareKind.RelinearizationRoundOne or ShareKind.RelinearizationRoundTwo && !plan.Keys.RelinearizationKeys)
        {
            throw DomainErrors.Invalid("round: the study's plan needs no relinearization keys.");
        }

        RequireAllJoined(study);
        if (study.KeySetId is not null)
        {
            throw DomainErrors.Conflict("The study's collective keys are complete; the key ceremony takes no more shares.");
        }

        var stored = await studies.ListBlobsAsync(study.Id, cancellationToken).ConfigureAwait(false);
        if (kind == ShareKind.RelinearizationRoundTwo && stored.All(b => b.Name != StudyCeremony.RoundOneBlob))
        {
            throw DomainErrors.Conflict("Round rkg-2 needs the rkg-1 aggregate: every participant must send its rkg-1 share first.");
        }

        var party = study.Participant(tenantId)!.Party;
        using var staged = await stageBody(ceremony.MaxShareBytes, cancellationToken).ConfigureAwait(false);
        audit.BodiesIn.Add(staged.Sha256);
        audit.ObjectIds.Add($"{round}:{galoisElement}");
        audit.ObjectIds.Add($"party:{party}");
        await LoadStagedAsync(tenantId, staged, s => ceremony.Load(kind, s, party, galoisElement), cancellationToken).ConfigureAwait(false);
        var share = await StoreShareAsync(study, round, galoisElement, party, tenantId, staged, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(share.Id);

        var complete = await AggregateAsync(study, plan, ceremony, round, galoisElement, audit, cancellationToken).ConfigureAwait(false);
        return (share, complete);
    }

    /// <summary>Opens a stored aggregate or collective key (<c>public_key</c>, <c>rkg-1</c>, <c>relin_keys</c>, <c>galois_keys</c>).</summary>
    /// <exception cref="DomainException">Not found (study or a name it does not have yet).</exception>
    public async Task<Stream> OpenBlobAsync(string tenantId, string studyId, string name, AuditRecord audit, CancellationToken cancellationToken)
    {
        var study = await RequireAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        var blob = (await studies.ListBlobsAsync(study.Id, cancellationToken).ConfigureAwait(false)).FirstOrDefault(b => b.Name == name)
            ?? throw new NotFoundException($"{name} of this study (its round is not complete)");
        audit.BodiesOut.Add(blob.Sha256);
        return blobs.OpenRead(blob.Sha256);
    }

    /// <summary>Appends one ciphertext of records under the collective public key (the dataset's append, for any participant).</summary>
    /// <exception cref="DomainException">Not found, a conflict before the keys exist, or the dataset's own refusals.</exception>
    public async Task<DatasetBatchRecord> AppendBatchAsync(
        string tenantId, string studyId, int? records, Func<long, CancellationToken, Task<StagedBlob>> stageBody, AuditRecord audit, CancellationToken cancellationToken)
    {
        var study = await RequireKeysAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        return await datasets.AppendBatchAsync(tenantId, study.DatasetId, records, stageBody, audit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Enqueues a statistics job over every record appended so far (any participant; the job runs in the coordinator's name).</summary>
    /// <exception cref="DomainException">Not found, a conflict before the keys exist, or the dataset's own refusals.</exception>
    public async Task<JobRecord> RequestStatisticsAsync(string tenantId, string studyId, StatisticsRequest request, AuditRecord audit, CancellationToken cancellationToken)
    {
        var study = await RequireKeysAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        return await datasets.RequestStatisticsAsync(study.TenantId, study.DatasetId, request, audit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A statistics job of the study.</summary>
    /// <exception cref="NotFoundException">No such study for the tenant, or no such job of the study.</exception>
    public async Task<JobRecord> GetJobAsync(string tenantId, string studyId, string jobId, AuditRecord audit, CancellationToken cancellationToken)
    {
        var study = await RequireAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(jobId);
        var job = await metadata.Jobs.GetAsync(study.TenantId, jobId, cancellationToken).ConfigureAwait(false);
        return job is not null && job.Kind == StatisticsJobInput.Kind && job.Input is { } input
            && JsonSerializer.Deserialize<StatisticsJobInput>(input, HeComputeJson.Options)?.DatasetId == study.DatasetId
            ? job
            : throw new NotFoundException("job of this study");
    }

    /// <summary>Asks for the release of one result of a finished statistics job to a querier's public key.</summary>
    /// <exception cref="DomainException">Not found (study, job, result), invalid querier or key, or a conflict (job not finished).</exception>
    public async Task<StudyReleaseRecord> RequestReleaseAsync(
        string tenantId, string studyId, string? jobId, string? result, string? querierTenantId,
        Func<long, CancellationToken, Task<StagedBlob>> stageKey, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stageKey);
        var study = await RequireKeysAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        var job = await GetJobAsync(tenantId, studyId, jobId ?? "", audit, cancellationToken).ConfigureAwait(false);
        if (job.State != JobState.Succeeded)
        {
            throw DomainErrors.Conflict($"Job {job.Id} is {job.State.ToString().ToLowerInvariant()}; only a succeeded job's results can be released.");
        }

        var ciphertext = job.Results.FirstOrDefault(r => r.Name == result)
            ?? throw DomainErrors.Invalid($"result: one of {string.Join(", ", job.Results.Select(r => r.Name))} is required.");
        if (string.IsNullOrWhiteSpace(querierTenantId) || await metadata.Tenants.GetAsync(querierTenantId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw DomainErrors.Invalid("querier: the id of an existing tenant is required.");
        }

        var (_, ceremony) = await CeremonyAsync(study, cancellationToken).ConfigureAwait(false);
        var parameters = ceremony.Session.Parameters;
        using var staged = await stageKey(ceremony.MaxShareBytes, cancellationToken).ConfigureAwait(false);
        audit.BodiesIn.Add(staged.Sha256);
        await LoadStagedAsync(tenantId, staged, s =>
        {
            using var key = new PublicKey();
            key.Load(parameters, s);
            return true;
        }, cancellationToken).ConfigureAwait(false);

        var release = new StudyReleaseRecord(
            Ids.New("rel"), study.Id, tenantId, querierTenantId, job.Id, ciphertext.Name, ciphertext,
            new BlobReference(KeySetParts.PublicKey, staged.Sha256, staged.Length), null, time.GetUtcNow(), null);
        await collector.WithLockAsync(async () =>
        {
            await blobs.CommitAsync(staged, cancellationToken).ConfigureAwait(false);
            await studies.CreateReleaseAsync(release, CancellationToken.None).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(release.Id);
        audit.ObjectIds.Add(querierTenantId);
        return release;
    }

    /// <summary>A release of the study and the parties whose decryption share is in.</summary>
    /// <exception cref="NotFoundException">No such study for the tenant or release of it.</exception>
    public async Task<(StudyReleaseRecord Release, IReadOnlyList<int> Approvals)> GetReleaseAsync(
        string tenantId, string studyId, string releaseId, AuditRecord audit, CancellationToken cancellationToken)
    {
        var study = await RequireAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(releaseId);
        var release = await studies.GetReleaseAsync(study.Id, releaseId, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException("release");
        return (release, await ApprovalsAsync(release, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Every release of the study (its record of releases).</summary>
    /// <exception cref="NotFoundException">No such study for the tenant.</exception>
    public async Task<IReadOnlyList<(StudyReleaseRecord Release, IReadOnlyList<int> Approvals)>> ListReleasesAsync(
        string tenantId, string studyId, AuditRecord audit, CancellationToken cancellationToken)
    {
        var study = await RequireAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        var list = await studies.ListReleasesAsync(study.Id, cancellationToken).ConfigureAwait(false);
        var result = new List<(StudyReleaseRecord, IReadOnlyList<int>)>(list.Count);
        foreach (var release in list)
        {
            result.Add((release, await ApprovalsAsync(release, cancellationToken).ConfigureAwait(false)));
        }

        return result;
    }

    /// <summary>Opens what a participant makes its decryption share for: the result ciphertext or the querier's public key.</summary>
    /// <exception cref="NotFoundException">No such study for the tenant or release of it.</exception>
    public async Task<Stream> OpenReleaseInputAsync(string tenantId, string studyId, string releaseId, bool querierKey, AuditRecord audit, CancellationToken cancellationToken)
    {
        var (release, _) = await GetReleaseAsync(tenantId, studyId, releaseId, audit, cancellationToken).ConfigureAwait(false);
        var blob = querierKey ? release.QuerierKey : release.Ciphertext;
        audit.BodiesOut.Add(blob.Sha256);
        return blobs.OpenRead(blob.Sha256);
    }

    /// <summary>Accepts a participant's decryption share for a release; with the last one, switches the ciphertext to the querier.</summary>
    /// <exception cref="DomainException">
    /// Not found; a conflict (already released); <see cref="DomainErrorKind.ShareMismatch"/>;
    /// <see cref="DomainErrorKind.ShareResent"/> for a second share.
    /// </exception>
    public async Task<(StudyShareRecord Share, bool Released)> SubmitReleaseShareAsync(
        string tenantId, string studyId, string releaseId, Func<long, CancellationToken, Task<StagedBlob>> stageBody, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stageBody);
        var (release, _) = await GetReleaseAsync(tenantId, studyId, releaseId, audit, cancellationToken).ConfigureAwait(false);
        if (release.Released is not null)
        {
            throw DomainErrors.Conflict("The release is complete; it takes no more decryption shares.");
        }

        var study = await RequireAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        var (_, ceremony) = await CeremonyAsync(study, cancellationToken).ConfigureAwait(false);
        var party = study.Participant(tenantId)!.Party;
        using var staged = await stageBody(ceremony.MaxShareBytes, cancellationToken).ConfigureAwait(false);
        audit.BodiesIn.Add(staged.Sha256);
        audit.ObjectIds.Add(release.Round);
        audit.ObjectIds.Add($"party:{party}");
        await LoadStagedAsync(tenantId, staged, s => ceremony.Load(ShareKind.PublicKeySwitch, s, party, 0), cancellationToken).ConfigureAwait(false);
        var share = await StoreShareAsync(study, release.Round, 0, party, tenantId, staged, cancellationToken).ConfigureAwait(false);
        audit.ObjectIds.Add(share.Id);

        await _aggregation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var shares = await studies.ListSharesAsync(study.Id, release.Round, cancellationToken).ConfigureAwait(false);
            var current = await studies.GetReleaseAsync(study.Id, release.Id, cancellationToken).ConfigureAwait(false);
            if (shares.Count < study.Threshold || current?.Released is not null)
            {
                return (share, current?.Released is not null);
            }

            var ciphertext = await ReadAsync(release.Ciphertext.Sha256, cancellationToken).ConfigureAwait(false);
            var querier = await ReadAsync(release.QuerierKey.Sha256, cancellationToken).ConfigureAwait(false);
            var loaded = await LoadSharesAsync(ceremony, ShareKind.PublicKeySwitch, shares, cancellationToken).ConfigureAwait(false);
            var released = await compute.RunAsync(new ComputeRequest("study-release", TenantId: tenantId), _ =>
            {
                var parameters = ceremony.Session.Parameters;
                using var ct = new Ciphertext();
                using (var stream = new MemoryStream(ciphertext, writable: false))
                {
                    ct.Load(parameters, stream);
                }

                using var key = new PublicKey();
                using (var stream = new MemoryStream(querier, writable: false))
                {
                    key.Load(parameters, stream);
                }

                using var result = ceremony.Release(ct, key, loaded);
                return Serialize(result.Save);
            }, cancellationToken).ConfigureAwait(false);
            var reference = await CommitAsync(KeySetParts.PublicKey, released, cancellationToken, blob =>
                studies.CompleteReleaseAsync(study.Id, release.Id, blob, time.GetUtcNow(), CancellationToken.None)).ConfigureAwait(false);
            audit.BodiesOut.Add(reference.Sha256);
            return (share, true);
        }
        finally
        {
            _aggregation.Release();
        }
    }

    /// <summary>Opens the released ciphertext: for the querier only, readable with its secret key only.</summary>
    /// <exception cref="DomainException">Not found (not the querier, or another study), or a conflict while shares are missing.</exception>
    public async Task<Stream> OpenReleasedAsync(string tenantId, string studyId, string releaseId, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        audit.ObjectIds.Add(studyId);
        audit.ObjectIds.Add(releaseId);
        var release = await studies.GetReleaseForQuerierAsync(tenantId, releaseId, cancellationToken).ConfigureAwait(false);
        if (release is null || release.StudyId != studyId)
        {
            throw new NotFoundException("release for this querier");
        }

        var released = release.Released ?? throw DomainErrors.Conflict("The release still waits for decryption shares of some participants.");
        audit.BodiesOut.Add(released.Sha256);
        return blobs.OpenRead(released.Sha256);
    }

    private async Task<StudyRecord> RequireAsync(string tenantId, string studyId, AuditRecord audit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audit);
        audit.ObjectIds.Add(studyId);
        return await studies.GetAsync(tenantId, studyId, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException("study");
    }

    private async Task<StudyRecord> RequireKeysAsync(string tenantId, string studyId, AuditRecord audit, CancellationToken cancellationToken)
    {
        var study = await RequireAsync(tenantId, studyId, audit, cancellationToken).ConfigureAwait(false);
        return study.KeySetId is null
            ? throw DomainErrors.Conflict("The study's collective keys do not exist yet: every participant must complete the ckg, rkg and rtg rounds first.")
            : study;
    }

    private static void RequireAllJoined(StudyRecord study)
    {
        var waiting = study.Participants.Where(p => p.JoinedAt is null).Select(p => p.Party).ToList();
        if (waiting.Count > 0)
        {
            throw DomainErrors.Conflict($"Parties {string.Join(", ", waiting)} have not joined the study yet; the key ceremony starts when every participant has.");
        }
    }

    private async Task<(PlanDocument Plan, StudyCeremony Ceremony)> CeremonyAsync(StudyRecord study, CancellationToken cancellationToken)
    {
        var found = await metadata.Datasets.GetAccessibleAsync(study.TenantId, study.DatasetId, cancellationToken).ConfigureAwait(false)
            ?? throw DomainErrors.Conflict("The study's dataset was deleted.");
        var plan = StoredPlans.Read(found.Dataset.PlanJson);
        var parameters = await contexts.GetAsync(plan.Parameters, cancellationToken).ConfigureAwait(false);
        return (plan, new StudyCeremony(parameters, Convert.FromBase64String(study.Seed), study.Participants.Count));
    }

    private async Task<StudyView> ViewAsync(StudyRecord study, string tenantId, CancellationToken cancellationToken)
    {
        var found = await metadata.Datasets.GetAccessibleAsync(study.TenantId, study.DatasetId, cancellationToken).ConfigureAwait(false)
            ?? throw DomainErrors.Conflict("The study's dataset was deleted.");
        var plan = StoredPlans.Read(found.Dataset.PlanJson);
        var rounds = new List<StudyRoundStatus>();
        var stored = await studies.ListBlobsAsync(study.Id, cancellationToken).ConfigureAwait(false);
        bool Has(string name) => stored.Any(b => b.Name == name);
        foreach (var round in StudyRounds.All)
        {
            if (round is StudyRounds.RelinRoundOne or StudyRounds.RelinRoundTwo && !plan.Keys.RelinearizationKeys)
            {
                continue;
            }

            var shares = await studies.ListSharesAsync(study.Id, round, cancellationToken).ConfigureAwait(false);
            if (round == StudyRounds.GaloisKeys)
            {
                foreach (var element in plan.Keys.GaloisElements)
                {
                    rounds.Add(new StudyRoundStatus(round, element, [.. shares.Where(s => s.GaloisElement == element).Select(s => s.Party)], Has(StudyCeremony.GaloisKeysBlob)));
                }

                continue;
            }

            var complete = round switch
            {
                StudyRounds.PublicKey => Has(StudyCeremony.PublicKeyBlob),
                StudyRounds.RelinRoundOne => Has(StudyCeremony.RoundOneBlob),
                _ => Has(StudyCeremony.RelinKeysBlob),
            };
            rounds.Add(new StudyRoundStatus(round, 0, [.. shares.Select(s => s.Party)], complete));
        }

        return new StudyView(study, found.Dataset, plan, study.Participant(tenantId)?.Party ?? -1, rounds);
    }

    private async Task<IReadOnlyList<int>> ApprovalsAsync(StudyReleaseRecord release, CancellationToken cancellationToken) =>
        [.. (await studies.ListSharesAsync(release.StudyId, release.Round, cancellationToken).ConfigureAwait(false)).Select(s => s.Party)];

    private async Task LoadStagedAsync<T>(string tenantId, StagedBlob staged, Func<Stream, T> load, CancellationToken cancellationToken)
    {
        var bytes = await ReadStreamAsync(staged.OpenRead(), cancellationToken).ConfigureAwait(false);
        await compute.RunAsync(new ComputeRequest("study-share", TenantId: tenantId), _ =>
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return load(stream) is IDisposable d ? Dispose(d) : true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static bool Dispose(IDisposable disposable)
    {
        disposable.Dispose();
        return true;
    }

    private async Task<StudyShareRecord> StoreShareAsync(
        StudyRecord study, string round, uint element, int party, string tenantId, StagedBlob staged, CancellationToken cancellationToken)
    {
        var share = new StudyShareRecord(Ids.New("sh"), study.Id, round, element, party, tenantId, staged.Sha256, staged.Length, time.GetUtcNow());
        var added = await collector.WithLockAsync(async () =>
        {
            await blobs.CommitAsync(staged, cancellationToken).ConfigureAwait(false);
            return await studies.AddShareAsync(share, CancellationToken.None).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (!added)
        {
            await collector.ReleaseAsync([staged.Sha256], CancellationToken.None).ConfigureAwait(false);
            throw DomainErrors.ShareResent(
                $"Party {party} already sent its {round} share{(element == 0 ? "" : $" for Galois element {element}")}; a second share of one round would leak its secret, so it is refused.");
        }

        return share;
    }

    /// <summary>Aggregates the round if every share is in; then creates the collective key set if every round is complete.</summary>
    private async Task<bool> AggregateAsync(
        StudyRecord study, PlanDocument plan, StudyCeremony ceremony, string round, uint element, AuditRecord audit, CancellationToken cancellationToken)
    {
        await _aggregation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var parties = study.Participants.Count;
            var shares = await studies.ListSharesAsync(study.Id, round, cancellationToken).ConfigureAwait(false);
            var stored = await studies.ListBlobsAsync(study.Id, cancellationToken).ConfigureAwait(false);
            var ofElement = shares.Where(s => s.GaloisElement == element).ToList();
            if (ofElement.Count < parties)
            {
                return false;
            }

            var kind = StudyCeremony.KindOf(round);
            switch (kind)
            {
                case ShareKind.PublicKey when stored.All(b => b.Name != StudyCeremony.PublicKeyBlob):
                    {
                        var loaded = await LoadSharesAsync(ceremony, kind, ofElement, cancellationToken).ConfigureAwait(false);
                        var bytes = await RunAsync(study, () => { using var key = ceremony.CombinePublicKey(loaded); return Serialize(key.Save); }, cancellationToken).ConfigureAwait(false);
                        await PutAsync(study, StudyCeremony.PublicKeyBlob, bytes, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                case ShareKind.RelinearizationRoundOne when stored.All(b => b.Name != StudyCeremony.RoundOneBlob):
                    {
                        var loaded = await LoadSharesAsync(ceremony, kind, ofElement, cancellationToken).ConfigureAwait(false);
                        var bytes = await RunAsync(study, () => Serialize(ceremony.AggregateRoundOne(loaded).Save), cancellationToken).ConfigureAwait(false);
                        await PutAsync(study, StudyCeremony.RoundOneBlob, bytes, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                case ShareKind.RelinearizationRoundTwo when stored.All(b => b.Name != StudyCeremony.RelinKeysBlob):
                    {
                        var loaded = await LoadSharesAsync(ceremony, kind, ofElement, cancellationToken).ConfigureAwait(false);
                        var roundOne = await ReadAsync(stored.First(b => b.Name == StudyCeremony.RoundOneBlob).Sha256, cancellationToken).ConfigureAwait(false);
                        var bytes = await RunAsync(study, () =>
                        {
                            using var stream = new MemoryStream(roundOne, writable: false);
                            var aggregate = ceremony.LoadRoundOne(stream);
                            using var keys = ceremony.CombineRelinKeys(aggregate, loaded);
                            return Serialize(keys.Save);
                        }, cancellationToken).ConfigureAwait(false);
                        await PutAsync(study, StudyCeremony.RelinKeysBlob, bytes, cancellationToken).ConfigureAwait(false);
                        break;
                    }

                case ShareKind.GaloisKey when stored.All(b => b.Name != StudyCeremony.GaloisKeysBlob)
                    && plan.Keys.GaloisElements.All(e => shares.Count(s => s.GaloisElement == e) == parties):
                    {
                        var groups = new List<IReadOnlyCollection<Share>>();
                        foreach (var e in plan.Keys.GaloisElements)
                        {
                            groups.Add(await LoadSharesAsync(ceremony, kind, [.. shares.Where(s => s.GaloisElement == e)], cancellationToken).ConfigureAwait(false));
                        }

                        var bytes = await RunAsync(study, () => { using var keys = ceremony.CombineGaloisKeys(groups); return Serialize(keys.Save); }, cancellationToken).ConfigureAwait(false);
                        await PutAsync(study, StudyCeremony.GaloisKeysBlob, bytes, cancellationToken).ConfigureAwait(false);
                        break;
                    }
            }

            await CreateKeySetIfCompleteAsync(study, plan, audit, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _aggregation.Release();
        }
    }

    private async Task CreateKeySetIfCompleteAsync(StudyRecord study, PlanDocument plan, AuditRecord audit, CancellationToken cancellationToken)
    {
        var stored = await studies.ListBlobsAsync(study.Id, cancellationToken).ConfigureAwait(false);
        var needed = new List<string> { StudyCeremony.PublicKeyBlob };
        if (plan.Keys.RelinearizationKeys)
        {
            needed.Add(StudyCeremony.RelinKeysBlob);
        }

        if (plan.Keys.GaloisElements.Count > 0)
        {
            needed.Add(StudyCeremony.GaloisKeysBlob);
        }

        var current = await studies.GetAsync(study.TenantId, study.Id, cancellationToken).ConfigureAwait(false);
        if (current?.KeySetId is not null || !needed.All(n => stored.Any(b => b.Name == n)))
        {
            return;
        }

        using var upload = new KeySetUpload { Name = $"study {study.Id} collective keys" };
        upload.Parts[KeySetParts.Parms] = await blobs.StageAsync(
            new MemoryStream(Convert.FromBase64String(plan.Parameters.SealParameters), writable: false), long.MaxValue, cancellationToken).ConfigureAwait(false);
        foreach (var name in needed)
        {
            var blob = stored.First(b => b.Name == name);
            var stream = blobs.OpenRead(blob.Sha256);
            await using (stream.ConfigureAwait(false))
            {
                upload.Parts[name] = await blobs.StageAsync(stream, blob.Bytes, cancellationToken).ConfigureAwait(false);
            }
        }

        var keySet = await keySets.CreateAsync(study.TenantId, upload, audit, cancellationToken).ConfigureAwait(false);
        await datasets.BindKeySetAsync(study.TenantId, study.DatasetId, keySet.Id, audit, cancellationToken).ConfigureAwait(false);
        if (!await studies.SetKeySetAsync(study.Id, keySet.Id, cancellationToken).ConfigureAwait(false))
        {
            await keySets.DeleteAsync(study.TenantId, keySet.Id, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<List<Share>> LoadSharesAsync(StudyCeremony ceremony, ShareKind kind, IReadOnlyList<StudyShareRecord> shares, CancellationToken cancellationToken)
    {
        var loaded = new List<Share>(shares.Count);
        foreach (var share in shares)
        {
            var bytes = await ReadAsync(share.Sha256, cancellationToken).ConfigureAwait(false);
            using var stream = new MemoryStream(bytes, writable: false);
            loaded.Add(ceremony.Load(kind, stream, share.Party, share.GaloisElement));
        }

        return loaded;
    }

    private Task<byte[]> RunAsync(StudyRecord study, Func<byte[]> work, CancellationToken cancellationToken) =>
        compute.RunAsync(new ComputeRequest("study-aggregate", TenantId: study.TenantId), _ => work(), cancellationToken);

    private async Task PutAsync(StudyRecord study, string name, byte[] bytes, CancellationToken cancellationToken) =>
        await CommitAsync(name, bytes, cancellationToken, async blob =>
        {
            await studies.PutBlobAsync(study.Id, study.TenantId, blob, CancellationToken.None).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    private async Task<BlobReference> CommitAsync(string name, byte[] bytes, CancellationToken cancellationToken, Func<BlobReference, Task<bool>> reference)
    {
        using var staged = await blobs.StageAsync(new MemoryStream(bytes, writable: false), bytes.Length, cancellationToken).ConfigureAwait(false);
        var blob = new BlobReference(name, staged.Sha256, staged.Length);
        var kept = await collector.WithLockAsync(async () =>
        {
            await blobs.CommitAsync(staged, cancellationToken).ConfigureAwait(false);
            return await reference(blob).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (!kept)
        {
            await collector.ReleaseAsync([staged.Sha256], CancellationToken.None).ConfigureAwait(false);
        }

        return blob;
    }

    private static byte[] Serialize(Func<Stream, Lattice.Serialization.CompressionMode?, long> save)
    {
        using var buffer = new MemoryStream();
        save(buffer, Lattice.Serialization.CompressionMode.None);
        return buffer.ToArray();
    }

    private async Task<byte[]> ReadAsync(string sha256, CancellationToken cancellationToken) =>
        await ReadStreamAsync(blobs.OpenRead(sha256), cancellationToken).ConfigureAwait(false);

    private static async Task<byte[]> ReadStreamAsync(Stream stream, CancellationToken cancellationToken)
    {
        await using (stream.ConfigureAwait(false))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }
}

/// <summary>A study with what its response shows: its dataset, plan, the caller's party and the rounds' progress.</summary>
/// <param name="Study">The study.</param>
/// <param name="Dataset">Its dataset.</param>
/// <param name="Plan">The dataset's plan.</param>
/// <param name="Party">The caller's party number.</param>
/// <param name="Rounds">Progress of every key-generation round.</param>
public sealed record StudyView(StudyRecord Study, DatasetRecord Dataset, PlanDocument Plan, int Party, IReadOnlyList<StudyRoundStatus> Rounds);
