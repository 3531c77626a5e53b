using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Storage.Sqlite;

/// <summary>The schema as numbered migrations, applied once each and recorded in <c>schema_migrations</c>.</summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        // 1: tenants, keys, key sets, blob references, jobs, audit log.
        """
        CREATE TABLE tenants (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL REFERENCES tenants(id),
            name TEXT NOT NULL,
            roles TEXT NOT NULL,
            secret_hash BLOB NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE INDEX api_keys_tenant ON api_keys(tenant_id);
        CREATE TABLE keysets (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL REFERENCES tenants(id),
            name TEXT,
            parms_id TEXT NOT NULL,
            poly_modulus_degree INTEGER NOT NULL,
            coeff_modulus_bits TEXT NOT NULL,
            galois_elements TEXT NOT NULL,
            has_public_key INTEGER NOT NULL,
            has_relin_keys INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX keysets_tenant ON keysets(tenant_id, created_at);
        CREATE TABLE blob_refs (
            owner_id TEXT NOT NULL,
            name TEXT NOT NULL,
            tenant_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            PRIMARY KEY (owner_id, name)
        );
        CREATE INDEX blob_refs_sha256 ON blob_refs(sha256);
        CREATE INDEX blob_refs_tenant ON blob_refs(tenant_id);
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL REFERENCES tenants(id),
            kind TEXT NOT NULL,
            state TEXT NOT NULL,
            progress REAL NOT NULL DEFAULT 0,
            progress_message TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            input TEXT,
            checkpoint TEXT,
            output TEXT,
            cancel_requested INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            expires_at TEXT
        );
        CREATE INDEX jobs_tenant ON jobs(tenant_id, created_at);
        CREATE INDEX jobs_state ON jobs(state, created_at);
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY,
            timestamp TEXT NOT NULL,
            tenant_id TEXT,
            key_id TEXT,
            action TEXT NOT NULL,
            method TEXT NOT NULL,
            path TEXT NOT NULL,
            object_ids TEXT NOT NULL,
            bodies_in TEXT NOT NULL,
            bodies_out TEXT NOT NULL,
            parms_id TEXT,
            duration_us INTEGER NOT NULL,
            status INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_log_tenant ON audit_log(tenant_id, seq);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        """,

        // 2: models, datasets, their contributors and batches.
        """
        CREATE TABLE models (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL REFERENCES tenants(id),
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            source TEXT NOT NULL,
            shared INTEGER NOT NULL,
            features INTEGER NOT NULL,
            outputs TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            plan TEXT NOT NULL,
            noise_flooding INTEGER NOT NULL,
            flooding_sd REAL NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX models_tenant ON models(tenant_id, created_at);
        CREATE INDEX models_shared ON models(shared, created_at);
        CREATE TABLE datasets (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL REFERENCES tenants(id),
            name TEXT NOT NULL,
            definition TEXT NOT NULL,
            plan TEXT NOT NULL,
            keyset_id TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX datasets_tenant ON datasets(tenant_id, created_at);
        CREATE TABLE dataset_contributors (
            dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            tenant_id TEXT NOT NULL REFERENCES tenants(id),
            created_at TEXT NOT NULL,
            PRIMARY KEY (dataset_id, tenant_id)
        );
        CREATE INDEX dataset_contributors_tenant ON dataset_contributors(tenant_id);
        CREATE TABLE dataset_batches (
            id TEXT PRIMARY KEY,
            dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            tenant_id TEXT NOT NULL REFERENCES tenants(id),
            records INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX dataset_batches_dataset ON dataset_batches(dataset_id, created_at);
        CREATE INDEX dataset_batches_tenant ON dataset_batches(tenant_id);
        """,

        // 3: API-key expiry. A nullable column: existing keys keep working, without an expiry.
        """
        ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
        """,

        // 4: API-key rotation: the replaced secret and the end of its overlap (both null outside an overlap).
        """
        ALTER TABLE api_keys ADD COLUMN previous_secret_hash BLOB;
        ALTER TABLE api_keys ADD COLUMN previous_expires_at TEXT;
        """,

        // 5: key set expiry (existing key sets do not expire).
        """
        ALTER TABLE keysets ADD COLUMN expires_at TEXT;
        """,

        // 6: job leases (who holds a running job, until when) and the fencing token every claim increments.
        """
        ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
        ALTER TABLE jobs ADD COLUMN lease_expires_at TEXT;
        ALTER TABLE jobs ADD COLUMN fencing_token INTEGER NOT NULL DEFAULT 0;
        """,

        // 7: the at-rest keyring (data keys wrapped by the master key), one row, so it travels with the metadata.
        """
        CREATE TABLE at_rest_keyring (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            document TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,

        // 8: job partitions (a partitioned job's units of work, each leased and fenced like a job) and who a claim took a
        // job over from.
        """
        ALTER TABLE jobs ADD COLUMN previous_owner TEXT;
        CREATE TABLE job_partitions (
            job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            spec TEXT NOT NULL,
            state TEXT NOT NULL,
            lease_owner TEXT,
            lease_expires_at TEXT,
            fencing_token INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            output TEXT,
            completed_by TEXT,
            PRIMARY KEY (job_id, idx)
        );
        """,

        // Joint studies: participants in party order, one share per (round, element, party), releases to a querier.
        """
        CREATE TABLE studies (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL,
            name TEXT NOT NULL,
            dataset_id TEXT NOT NULL,
            seed TEXT NOT NULL,
            threshold INTEGER NOT NULL,
            keyset_id TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE study_participants (
            study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
            tenant_id TEXT NOT NULL,
            party INTEGER NOT NULL,
            joined_at TEXT,
            PRIMARY KEY (study_id, tenant_id),
            UNIQUE (study_id, party)
        );
        CREATE INDEX study_participants_tenant ON study_participants(tenant_id);
        CREATE TABLE study_shares (
            id TEXT PRIMARY KEY,
            study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
            round TEXT NOT NULL,
            element INTEGER NOT NULL,
            party INTEGER NOT NULL,
            tenant_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (study_id, round, element, party)
        );
        CREATE TABLE study_releases (
            id TEXT PRIMARY KEY,
            study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
            tenant_id TEXT NOT NULL,
            querier_tenant_id TEXT NOT NULL,
            job_id TEXT NOT NULL,
            result TEXT NOT NULL,
            released INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            released_at TEXT
        );
        CREATE INDEX study_releases_study ON study_releases(study_id, created_at);
        CREATE INDEX study_releases_querier ON study_releases(querier_tenant_id);
        """,

        // Console users (people, beside the programs' API keys): password hash, TOTP secret, lockout; hashed recovery codes.
        """
        CREATE TABLE console_users (
            id TEXT PRIMARY KEY,
            tenant_id TEXT NOT NULL REFERENCES tenants(id),
            user_name TEXT NOT NULL,
            roles TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            totp_secret BLOB,
            totp_enabled INTEGER NOT NULL DEFAULT 0,
            totp_last_step INTEGER,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            UNIQUE (tenant_id, user_name)
        );
        CREATE TABLE console_recovery_codes (
            user_id TEXT NOT NULL REFERENCES console_users(id),
            code_hash BLOB NOT NULL,
            PRIMARY KEY (user_id, code_hash)
        );
        """,
    ];

    /// <summary>The newest schema version this build knows.</summary>
    public static int LatestVersion => Migrations.Length;

    /// <summary>Applies the migrations not yet recorded, each in its own transaction.</summary>
    public static Task MigrateAsync(SqliteConnection connection, TimeProvider time, CancellationToken cancellationToken) =>
        MigrateAsync(connection, time, Migrations.Length, cancellationToken);

    /// <summary>Applies the migrations up to <paramref name="targetVersion"/>: tests build a database as an older release left it.</summary>
    internal static async Task MigrateAsync(SqliteConnection connection, TimeProvider time, int targetVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, Migrations.Length);
        await using (var wal = connection.Command("PRAGMA journal_mode = WAL;"))
        {
            await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var create = connection.Command(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long current;
        await using (var query = connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_migrations;"))
        {
            current = (long)(await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        for (var version = (int)current + 1; version <= targetVersion; version++)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var migrate = connection.Command(Migrations[version - 1], transaction))
            {
                await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = connection.Command("INSERT INTO schema_migrations (version, applied_at) VALUES ($v, $at);", transaction)
                .With("$v", version).With("$at", SqliteDatabase.Format(time.GetUtcNow())))
            {
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
