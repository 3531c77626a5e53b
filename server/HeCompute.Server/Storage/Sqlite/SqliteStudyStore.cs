using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Storage.Sqlite;

/// <summary>
/// Studies in SQLite. A share's uniqueness (study, round, element, party) is a table constraint, so a re-sent share
/// is refused by the insert itself. Shares, aggregates and release ciphertexts are <c>blob_refs</c> rows owned by the
/// share, the study and the release.
/// </summary>
public sealed class SqliteStudyStore(SqliteDatabase database) : IStudyStore
{
    private const string ReleasedBlob = "released";
    private const string CiphertextBlob = "ciphertext";
    private const string QuerierKeyBlob = "querier_key";

    /// <inheritdoc/>
    public async Task CreateAsync(StudyRecord study, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(study);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.Command(
            """
            INSERT INTO studies (id, tenant_id, name, dataset_id, seed, threshold, keyset_id, created_at)
            VALUES ($id, $tenant, $name, $dataset, $seed, $threshold, NULL, $at);
            """, transaction)
            .With("$id", study.Id).With("$tenant", study.TenantId).With("$name", study.Name).With("$dataset", study.DatasetId)
            .With("$seed", study.Seed).With("$threshold", study.Threshold).With("$at", SqliteDatabase.Format(study.CreatedAt)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var participant in study.Participants)
        {
            await using var add = connection.Command(
                "INSERT INTO study_participants (study_id, tenant_id, party, joined_at) VALUES ($study, $tenant, $party, $joined);", transaction)
                .With("$study", study.Id).With("$tenant", participant.TenantId).With("$party", participant.Party)
                .With("$joined", SqliteDatabase.FormatOrNull(participant.JoinedAt));
            await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StudyRecord?> GetAsync(string tenantId, string studyId, CancellationToken cancellationToken)
    {
        var list = await QueryAsync(" AND s.id = $id", tenantId, studyId, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StudyRecord>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        QueryAsync("", tenantId, null, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> JoinAsync(string tenantId, string studyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            "UPDATE study_participants SET joined_at = COALESCE(joined_at, $at) WHERE study_id = $study AND tenant_id = $tenant;")
            .With("$at", SqliteDatabase.Format(at)).With("$study", studyId).With("$tenant", tenantId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async Task<bool> AddShareAsync(StudyShareRecord share, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(share);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.Command(
            """
            INSERT OR IGNORE INTO study_shares (id, study_id, round, element, party, tenant_id, sha256, bytes, created_at)
            VALUES ($id, $study, $round, $element, $party, $tenant, $sha, $bytes, $at);
            """, transaction)
            .With("$id", share.Id).With("$study", share.StudyId).With("$round", share.Round).With("$element", (long)share.GaloisElement)
            .With("$party", share.Party).With("$tenant", share.TenantId).With("$sha", share.Sha256).With("$bytes", share.Bytes)
            .With("$at", SqliteDatabase.Format(share.CreatedAt)))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }
        }

        await SqliteBlobRefs.InsertAsync(connection, transaction, share.Id, share.TenantId, new BlobReference(StudyShareRecord.BlobName, share.Sha256, share.Bytes), cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StudyShareRecord>> ListSharesAsync(string studyId, string round, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT * FROM study_shares WHERE study_id = $study AND round = $round ORDER BY element, party;")
            .With("$study", studyId).With("$round", round);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<StudyShareRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new StudyShareRecord(
                reader.GetString("id"), reader.GetString("study_id"), reader.GetString("round"), (uint)reader.GetInt64("element"),
                (int)reader.GetInt64("party"), reader.GetString("tenant_id"), reader.GetString("sha256"), reader.GetInt64("bytes"),
                reader.GetTimestamp("created_at")));
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task PutBlobAsync(string studyId, string tenantId, BlobReference blob, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await SqliteBlobRefs.InsertAsync(connection, null, studyId, tenantId, blob, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BlobReference>> ListBlobsAsync(string studyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteBlobRefs.ListAsync(connection, null, studyId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<bool> SetKeySetAsync(string studyId, string keySetId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("UPDATE studies SET keyset_id = $keyset WHERE id = $id AND keyset_id IS NULL;")
            .With("$keyset", keySetId).With("$id", studyId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async Task CreateReleaseAsync(StudyReleaseRecord release, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(release);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.Command(
            """
            INSERT INTO study_releases (id, study_id, tenant_id, querier_tenant_id, job_id, result, released, created_at, released_at)
            VALUES ($id, $study, $tenant, $querier, $job, $result, 0, $at, NULL);
            """, transaction)
            .With("$id", release.Id).With("$study", release.StudyId).With("$tenant", release.RequestedBy).With("$querier", release.QuerierTenantId)
            .With("$job", release.JobId).With("$result", release.Result).With("$at", SqliteDatabase.Format(release.CreatedAt)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await SqliteBlobRefs.InsertAsync(connection, transaction, release.Id, release.RequestedBy, release.Ciphertext with { Name = CiphertextBlob }, cancellationToken).ConfigureAwait(false);
        await SqliteBlobRefs.InsertAsync(connection, transaction, release.Id, release.RequestedBy, release.QuerierKey with { Name = QuerierKeyBlob }, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StudyReleaseRecord?> GetReleaseAsync(string studyId, string releaseId, CancellationToken cancellationToken)
    {
        var list = await QueryReleasesAsync("study_id = $study AND id = $id", ("$study", studyId), ("$id", releaseId), cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StudyReleaseRecord>> ListReleasesAsync(string studyId, CancellationToken cancellationToken) =>
        QueryReleasesAsync("study_id = $study", ("$study", studyId), ("$unused", null), cancellationToken);

    /// <inheritdoc/>
    public async Task<StudyReleaseRecord?> GetReleaseForQuerierAsync(string querierTenantId, string releaseId, CancellationToken cancellationToken)
    {
        var list = await QueryReleasesAsync("querier_tenant_id = $querier AND id = $id", ("$querier", querierTenantId), ("$id", releaseId), cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc/>
    public async Task<bool> CompleteReleaseAsync(string studyId, string releaseId, BlobReference released, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(released);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string tenant;
        await using (var update = connection.Command(
            "UPDATE study_releases SET released = 1, released_at = $at WHERE study_id = $study AND id = $id AND released = 0 RETURNING tenant_id;", transaction)
            .With("$at", SqliteDatabase.Format(at)).With("$study", studyId).With("$id", releaseId))
        {
            if (await update.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string t)
            {
                return false;
            }

            tenant = t;
        }

        await SqliteBlobRefs.InsertAsync(connection, transaction, releaseId, tenant, released with { Name = ReleasedBlob }, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<IReadOnlyList<StudyRecord>> QueryAsync(string filter, string tenantId, string? id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            $"""
            SELECT s.* FROM studies s
            WHERE EXISTS (SELECT 1 FROM study_participants p WHERE p.study_id = s.id AND p.tenant_id = $tenant){filter}
            ORDER BY s.created_at DESC, s.id;
            """).With("$tenant", tenantId).With("$id", id);
        var rows = new List<(string Id, string Tenant, string Name, string Dataset, string Seed, int Threshold, string? KeySet, DateTimeOffset At)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetString("id"), reader.GetString("tenant_id"), reader.GetString("name"), reader.GetString("dataset_id"),
                    reader.GetString("seed"), (int)reader.GetInt64("threshold"), reader.GetStringOrNull("keyset_id"), reader.GetTimestamp("created_at")));
            }
        }

        var result = new List<StudyRecord>(rows.Count);
        foreach (var row in rows)
        {
            await using var participants = connection.Command("SELECT * FROM study_participants WHERE study_id = $study ORDER BY party;").With("$study", row.Id);
            await using var reader = await participants.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<StudyParticipantRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new StudyParticipantRecord(reader.GetString("tenant_id"), (int)reader.GetInt64("party"), reader.GetTimestampOrNull("joined_at")));
            }

            result.Add(new StudyRecord(row.Id, row.Tenant, row.Name, row.Dataset, row.Seed, row.Threshold, list, row.KeySet, row.At));
        }

        return result;
    }

    private async Task<IReadOnlyList<StudyReleaseRecord>> QueryReleasesAsync(
        string where, (string Name, object? Value) first, (string Name, object? Value) second, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT * FROM study_releases WHERE {where} ORDER BY created_at, rowid;")
            .With(first.Name, first.Value).With(second.Name, second.Value);
        var rows = new List<(string Id, string Study, string Tenant, string Querier, string Job, string Result, DateTimeOffset At, DateTimeOffset? ReleasedAt)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetString("id"), reader.GetString("study_id"), reader.GetString("tenant_id"), reader.GetString("querier_tenant_id"),
                    reader.GetString("job_id"), reader.GetString("result"), reader.GetTimestamp("created_at"), reader.GetTimestampOrNull("released_at")));
            }
        }

        var result = new List<StudyReleaseRecord>(rows.Count);
        foreach (var row in rows)
        {
            var blobs = await SqliteBlobRefs.ListAsync(connection, null, row.Id, cancellationToken).ConfigureAwait(false);
            result.Add(new StudyReleaseRecord(
                row.Id, row.Study, row.Tenant, row.Querier, row.Job, row.Result,
                blobs.First(b => b.Name == CiphertextBlob), blobs.First(b => b.Name == QuerierKeyBlob), blobs.FirstOrDefault(b => b.Name == ReleasedBlob),
                row.At, row.ReleasedAt));
        }

        return result;
    }
}
