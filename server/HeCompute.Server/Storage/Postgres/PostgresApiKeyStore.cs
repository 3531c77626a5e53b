using HeCompute.Contracts;
using Npgsql;

namespace HeCompute.Server.Storage.Postgres;

/// <summary>API keys in PostgreSQL.</summary>
public sealed class PostgresApiKeyStore(PostgresDatabase database) : IApiKeyStore
{
    /// <inheritdoc/>
    public async Task UpsertAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            INSERT INTO api_keys (id, tenant_id, name, roles, secret_hash, created_at, revoked_at, expires_at)
            VALUES (@id, @tenant, @name, @roles, @hash, @at, NULL, @expires::timestamptz)
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, roles = excluded.roles, secret_hash = excluded.secret_hash, revoked_at = NULL, expires_at = excluded.expires_at,
                previous_secret_hash = NULL, previous_expires_at = NULL;
            """)
            .With("id", key.Id).With("tenant", key.TenantId).With("name", key.Name)
            .With("roles", key.Roles.ToArray()).With("hash", key.SecretHash).With("at", key.CreatedAt).With("expires", key.ExpiresAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<ApiKeyRecord?> GetAsync(string keyId, CancellationToken cancellationToken)
    {
        var list = await QueryAsync("SELECT * FROM api_keys WHERE id = @p;", keyId, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        QueryAsync("SELECT * FROM api_keys WHERE tenant_id = @p ORDER BY created_at, id;", tenantId, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> RotateAsync(string keyId, byte[] secretHash, DateTimeOffset? previousValidUntil, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // One statement (the row is locked for it), so a concurrent rotation cannot lose the secret being replaced.
        await using var command = connection.Command(
            """
            UPDATE api_keys SET
                previous_secret_hash = CASE WHEN @until::timestamptz IS NULL THEN NULL ELSE secret_hash END,
                previous_expires_at = @until::timestamptz,
                secret_hash = @hash
            WHERE id = @id AND revoked_at IS NULL;
            """)
            .With("id", keyId).With("hash", secretHash).With("until", previousValidUntil);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async Task<bool> RevokePreviousAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("UPDATE api_keys SET previous_secret_hash = NULL, previous_expires_at = NULL WHERE id = @id;")
            .With("id", keyId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @at) WHERE id = @id;")
            .With("id", keyId).With("at", revokedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async Task<bool> AnyActiveAdminAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            "SELECT 1 FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now) AND @role = ANY (roles) LIMIT 1;")
            .With("role", Roles.Admin).With("now", now);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private async Task<IReadOnlyList<ApiKeyRecord>> QueryAsync(string sql, string parameter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql).With("p", parameter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ApiKeyRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    private static ApiKeyRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString("id"),
        reader.GetString("tenant_id"),
        reader.GetString("name"),
        reader.Get<string[]>("roles"),
        reader.Get<byte[]>("secret_hash"),
        reader.GetTimestamp("created_at"),
        reader.GetTimestampOrNull("revoked_at"),
        reader.GetTimestampOrNull("expires_at"),
        reader.IsDBNull(reader.GetOrdinal("previous_secret_hash")) ? null : reader.Get<byte[]>("previous_secret_hash"),
        reader.GetTimestampOrNull("previous_expires_at"));
}
