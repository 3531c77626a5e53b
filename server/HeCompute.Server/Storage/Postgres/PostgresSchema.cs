using Npgsql;

namespace HeCompute.Server.Storage.Postgres;

/// <summary>
/// The schema as numbered migrations, recorded in <c>schema_version</c>. Every node applies them at start; a
/// session advisory lock makes concurrent starts take turns, so each migration runs exactly once.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The advisory lock key the migrations run under (an arbitrary constant of this application).</summary>
    internal const long MigrationLock = 0x4865_436F_6D70_0001;

    private static readonly string[] Migrations =
    [
        // 1: everything the embedded schema holds after its five migrations, plus the audit heads and blob chunks.
        """
        CREATE TABLE tenants (
            id text PRIMARY KEY,
            name text NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE TABLE api_keys (
            id text PRIMARY KEY,
            tenant_id text NOT NULL REFERENCES tenants(id),
            name text NOT NULL,
            roles text[] NOT NULL,
            secret_hash bytea NOT NULL,
            created_at timestamptz NOT NULL,
            revoked_at timestamptz,
            expires_at timestamptz,
            previous_secret_hash bytea,
            previous_expires_at timestamptz
        );
        CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);
        CREATE TABLE keysets (
            id text PRIMARY KEY,
            tenant_id text NOT NULL REFERENCES tenants(id),
            name text,
            parms_id text NOT NULL,
            poly_modulus_degree bigint NOT NULL,
            coeff_modulus_bits integer[] NOT NULL,
            galois_elements bigint[] NOT NULL,
            has_public_key boolean NOT NULL,
            has_relin_keys boolean NOT NULL,
            created_at timestamptz NOT NULL,
            expires_at timestamptz
        );
        CREATE INDEX keysets_tenant ON keysets (tenant_id, created_at);
        CREATE SEQUENCE blob_refs_position;
        CREATE TABLE blob_refs (
            owner_id text NOT NULL,
            name text NOT NULL,
            tenant_id text NOT NULL,
            sha256 text NOT NULL,
            bytes bigint NOT NULL,
            position bigint NOT NULL DEFAULT nextval('blob_refs_position'),
            PRIMARY KEY (owner_id, name)
        );
        CREATE INDEX blob_refs_sha256 ON blob_refs (sha256);
        CREATE INDEX blob_refs_tenant ON blob_refs (tenant_id);
        CREATE TABLE jobs (
            id text PRIMARY KEY,
            tenant_id text NOT NULL REFERENCES tenants(id),
            kind text NOT NULL,
            state text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
            progress double precision NOT NULL DEFAULT 0,
            progress_message text,
            attempts integer NOT NULL DEFAULT 0,
            error text,
            input text,
            checkpoint text,
            output text,
            cancel_requested boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL,
            started_at timestamptz,
            finished_at timestamptz,
            expires_at timestamptz
        );
        CREATE INDEX jobs_tenant ON jobs (tenant_id, created_at);
        CREATE INDEX jobs_state ON jobs (state, created_at);
        CREATE TABLE models (
            id text PRIMARY KEY,
            tenant_id text NOT NULL REFERENCES tenants(id),
            name text NOT NULL,
            kind text NOT NULL,
            source text NOT NULL,
            shared boolean NOT NULL,
            features integer NOT NULL,
            outputs text[] NOT NULL,
            sha256 text NOT NULL,
            plan text NOT NULL,
            noise_flooding boolean NOT NULL,
            flooding_sd double precision NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX models_tenant ON models (tenant_id, created_at);
        CREATE INDEX models_shared ON models (shared, created_at);
        CREATE TABLE datasets (
            id text PRIMARY KEY,
            tenant_id text NOT NULL REFERENCES tenants(id),
            name text NOT NULL,
            definition text NOT NULL,
            plan text NOT NULL,
            keyset_id text,
            created_at timestamptz NOT NULL
        );
        CREATE INDEX datasets_tenant ON datasets (tenant_id, created_at);
        CREATE TABLE dataset_contributors (
            dataset_id text NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            tenant_id text NOT NULL REFERENCES tenants(id),
            created_at timestamptz NOT NULL,
            PRIMARY KEY (dataset_id, tenant_id)
        );
        CREATE INDEX dataset_contributors_tenant ON dataset_contributors (tenant_id);
        CREATE TABLE dataset_batches (
            id text PRIMARY KEY,
            dataset_id text NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
            tenant_id text NOT NULL REFERENCES tenants(id),
            records integer NOT NULL,
            sha256 text NOT NULL,
            bytes bigint NOT NULL,
            created_at timestamptz NOT NULL,
            position bigint GENERATED ALWAYS AS IDENTITY
        );
        CREATE INDEX dataset_batches_dataset ON dataset_batches (dataset_id, created_at, position);
        CREATE INDEX dataset_batches_tenant ON dataset_batches (tenant_id);

        -- The audit log: seq is global and gap-free (one counter row, updated inside each append's transaction, so
        -- entries become visible in seq order and a reader paging by seq never skips one that commits later);
        -- each tenant's chain is linked from its head row, locked for the append.
        CREATE TABLE audit_log (
            seq bigint PRIMARY KEY,
            timestamp timestamptz NOT NULL,
            tenant_id text,
            key_id text,
            action text NOT NULL,
            method text NOT NULL,
            path text NOT NULL,
            object_ids text[] NOT NULL,
            bodies_in text[] NOT NULL,
            bodies_out text[] NOT NULL,
            parms_id text,
            duration_us bigint NOT NULL,
            status integer NOT NULL,
            outcome text NOT NULL,
            prev_hash text NOT NULL,
            hash text NOT NULL
        );
        CREATE INDEX audit_log_tenant ON audit_log (tenant_id, seq);
        CREATE TABLE audit_counter (
            id integer PRIMARY KEY CHECK (id = 1),
            seq bigint NOT NULL
        );
        INSERT INTO audit_counter (id, seq) VALUES (1, 0);
        CREATE TABLE audit_heads (
            chain text PRIMARY KEY,
            seq bigint NOT NULL,
            hash text NOT NULL
        );
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only';
        END;
        $$;
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

        -- Blobs stored in the database: one row per blob, its content in fixed-size chunks.
        CREATE TABLE blobs (
            sha256 text PRIMARY KEY,
            bytes bigint NOT NULL,
            chunk_bytes integer NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE blob_chunks (
            sha256 text NOT NULL REFERENCES blobs(sha256) ON DELETE CASCADE,
            ordinal integer NOT NULL,
            data bytea NOT NULL,
            PRIMARY KEY (sha256, ordinal)
        );
        ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
        """,

        // 2: job leases (who holds a running job, until when) and the fencing token every claim increments.
        """
        ALTER TABLE jobs ADD COLUMN lease_owner text;
        ALTER TABLE jobs ADD COLUMN lease_expires_at timestamptz;
        ALTER TABLE jobs ADD COLUMN fencing_token bigint NOT NULL DEFAULT 0;
        CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE state = 'running';
        """,

        // 3: the at-rest keyring (data keys wrapped by the master key), one row every node shares.
        """
        CREATE TABLE at_rest_keyring (
            id integer PRIMARY KEY CHECK (id = 1),
            document text NOT NULL,
            updated_at timestamptz NOT NULL
        );
        """,

        // 4: job partitions (a partitioned job's units of work, each leased and fenced like a job) and who a claim took a
        // job over from.
        """
        ALTER TABLE jobs ADD COLUMN previous_owner text;
        CREATE TABLE job_partitions (
            job_id text NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            idx integer NOT NULL,
            spec text NOT NULL,
            state text NOT NULL,
            lease_owner text,
            lease_expires_at timestamptz,
            fencing_token bigint NOT NULL DEFAULT 0,
            attempts integer NOT NULL DEFAULT 0,
            output text,
            completed_by text,
            PRIMARY KEY (job_id, idx)
        );
        CREATE INDEX job_partitions_open ON job_partitions (job_id, idx) WHERE state <> 'done';
        """,

        // Joint studies: participants in party order, one share per (round, element, party), releases to a querier.
        """
        CREATE TABLE studies (
            id text PRIMARY KEY,
            tenant_id text NOT NULL,
            name text NOT NULL,
            dataset_id text NOT NULL,
            seed text NOT NULL,
            threshold integer NOT NULL,
            keyset_id text,
            created_at timestamptz NOT NULL
        );
        CREATE TABLE study_participants (
            study_id text NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
            tenant_id text NOT NULL,
            party integer NOT NULL,
            joined_at timestamptz,
            PRIMARY KEY (study_id, tenant_id),
            UNIQUE (study_id, party)
        );
        CREATE INDEX study_participants_tenant ON study_participants(tenant_id);
        CREATE TABLE study_shares (
            id text PRIMARY KEY,
            study_id text NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
            round text NOT NULL,
            element bigint NOT NULL,
            party integer NOT NULL,
            tenant_id text NOT NULL,
            sha256 text NOT NULL,
            bytes bigint NOT NULL,
            created_at timestamptz NOT NULL,
            UNIQUE (study_id, round, element, party)
        );
        CREATE TABLE study_releases (
            id text PRIMARY KEY,
            study_id text NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
            tenant_id text NOT NULL,
            querier_tenant_id text NOT NULL,
            job_id text NOT NULL,
            result text NOT NULL,
            released boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL,
            released_at timestamptz
        );
        CREATE INDEX study_releases_study ON study_releases(study_id, created_at);
        CREATE INDEX study_releases_querier ON study_releases(querier_tenant_id);
        """,

        // Console users (people, beside the programs' API keys): password hash, TOTP secret, lockout; hashed recovery codes.
        """
        CREATE TABLE console_users (
            id text PRIMARY KEY,
            tenant_id text NOT NULL REFERENCES tenants(id),
            user_name text NOT NULL,
            roles text[] NOT NULL,
            password_hash text NOT NULL,
            created_at timestamptz NOT NULL,
            totp_secret bytea,
            totp_enabled boolean NOT NULL DEFAULT false,
            totp_last_step bigint,
            failed_attempts integer NOT NULL DEFAULT 0,
            locked_until timestamptz,
            UNIQUE (tenant_id, user_name)
        );
        CREATE TABLE console_recovery_codes (
            user_id text NOT NULL REFERENCES console_users(id),
            code_hash bytea NOT NULL,
            PRIMARY KEY (user_id, code_hash)
        );
        """,
    ];

    /// <summary>The newest schema version this build knows.</summary>
    public static int LatestVersion => Migrations.Length;

    /// <summary>Applies the migrations not yet recorded, each in its own transaction, under the migration lock.</summary>
    public static async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var lockCommand = connection.Command("SELECT pg_advisory_lock(@key);").With("key", MigrationLock))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using (var create = connection.Command(
                "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());"))
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            int current;
            await using (var query = connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version;"))
            {
                current = (int)(await query.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            if (current > Migrations.Length)
            {
                throw new InvalidOperationException(
                    $"The database's schema is version {current}, newer than this server's {Migrations.Length}: upgrade the server.");
            }

            for (var version = current + 1; version <= Migrations.Length; version++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (var migrate = connection.Command(Migrations[version - 1], transaction))
                {
                    await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var record = connection.Command("INSERT INTO schema_version (version) VALUES (@v);", transaction).With("v", version))
                {
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await using var unlock = connection.Command("SELECT pg_advisory_unlock(@key);").With("key", MigrationLock);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
