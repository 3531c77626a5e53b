using Npgsql;

namespace HeCompute.Server.Storage.Postgres;

/// <summary>Console users in PostgreSQL.</summary>
public sealed class PostgresUserStore(PostgresDatabase database) : IUserStore
{
    private const string Select =
        "SELECT u.*, (SELECT COUNT(*) FROM console_recovery_codes r WHERE r.user_id = u.id) AS recovery_left FROM console_users u";

    /// <inheritdoc/>
    public async Task<bool> CreateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(
            """
            INSERT INTO console_users (id, tenant_id, user_name, roles, password_hash, created_at, failed_attempts)
            VALUES (@id, @tenant, @name, @roles, @hash, @at, 0) ON CONFLICT (tenant_id, user_name) DO NOTHING;
            """)
            .With("id", user.Id).With("tenant", user.TenantId).With("name", user.UserName)
            .With("roles", user.Roles.ToArray()).With("hash", user.PasswordHash).With("at", user.CreatedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public async Task<UserRecord?> FindByNameAsync(string tenantId, string userName, CancellationToken cancellationToken) =>
        (await QueryAsync($"{Select} WHERE u.tenant_id = @tenant AND u.user_name = @p;", tenantId, userName, cancellationToken).ConfigureAwait(false))
        .FirstOrDefault();

    /// <inheritdoc/>
    public async Task<UserRecord?> GetAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        (await QueryAsync($"{Select} WHERE u.tenant_id = @tenant AND u.id = @p;", tenantId, userId, cancellationToken).ConfigureAwait(false))
        .FirstOrDefault();

    /// <inheritdoc/>
    public Task<IReadOnlyList<UserRecord>> ListAsync(string tenantId, CancellationToken cancellationToken) =>
        QueryAsync($"{Select} WHERE u.tenant_id = @tenant ORDER BY u.created_at, u.id;", tenantId, null, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> SetTotpAsync(string tenantId, string userId, byte[]? secret, bool enabled, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE console_users SET totp_last_step = CASE WHEN totp_secret IS NOT DISTINCT FROM @secret::bytea THEN totp_last_step END, " +
            "totp_secret = @secret::bytea, totp_enabled = @enabled WHERE tenant_id = @tenant AND id = @id;",
            tenantId, userId, c => c.With("secret", secret).With("enabled", enabled), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> ClaimTotpStepAsync(string tenantId, string userId, long timeStep, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE console_users SET totp_last_step = @step WHERE tenant_id = @tenant AND id = @id AND (totp_last_step IS NULL OR totp_last_step < @step);",
            tenantId, userId, c => c.With("step", timeStep), cancellationToken);

    /// <inheritdoc/>
    public async Task ReplaceRecoveryCodesAsync(string tenantId, string userId, IReadOnlyList<byte[]> codeHashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(codeHashes);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var delete = connection.Command(
            "DELETE FROM console_recovery_codes WHERE user_id = (SELECT id FROM console_users WHERE tenant_id = @tenant AND id = @id);", transaction)
            .With("tenant", tenantId).With("id", userId))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var hash in codeHashes)
        {
            await using var insert = connection.Command(
                "INSERT INTO console_recovery_codes (user_id, code_hash) SELECT id, @hash FROM console_users WHERE tenant_id = @tenant AND id = @id;", transaction)
                .With("tenant", tenantId).With("id", userId).With("hash", hash);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<bool> ConsumeRecoveryCodeAsync(string tenantId, string userId, byte[] codeHash, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "DELETE FROM console_recovery_codes WHERE code_hash = @hash AND user_id = (SELECT id FROM console_users WHERE tenant_id = @tenant AND id = @id);",
            tenantId, userId, c => c.With("hash", codeHash), cancellationToken);

    /// <inheritdoc/>
    public async Task<UserRecord?> RecordFailureAsync(string tenantId, string userId, int maxAttempts, DateTimeOffset lockedUntil, CancellationToken cancellationToken)
    {
        // One statement (the row is locked for it), so concurrent failures each count.
        await ExecuteAsync(
            """
            UPDATE console_users SET
                locked_until = CASE WHEN failed_attempts + 1 >= @max THEN @until ELSE locked_until END,
                failed_attempts = CASE WHEN failed_attempts + 1 >= @max THEN 0 ELSE failed_attempts + 1 END
            WHERE tenant_id = @tenant AND id = @id;
            """,
            tenantId, userId, c => c.With("max", maxAttempts).With("until", lockedUntil), cancellationToken).ConfigureAwait(false);
        return await GetAsync(tenantId, userId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task ResetFailuresAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE console_users SET failed_attempts = 0, locked_until = NULL WHERE tenant_id = @tenant AND id = @id;", tenantId, userId, _ => { }, cancellationToken);

    private async Task<bool> ExecuteAsync(string sql, string tenantId, string userId, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql).With("tenant", tenantId).With("id", userId);
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private async Task<IReadOnlyList<UserRecord>> QueryAsync(string sql, string tenantId, string? parameter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql).With("tenant", tenantId).With("p", parameter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<UserRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var lastStep = reader.GetOrdinal("totp_last_step");
            result.Add(new UserRecord(
                reader.GetString("id"),
                reader.GetString("tenant_id"),
                reader.GetString("user_name"),
                reader.Get<string[]>("roles"),
                reader.GetString("password_hash"),
                reader.GetTimestamp("created_at"),
                reader["totp_secret"] as byte[],
                reader.GetBoolean("totp_enabled"),
                reader.IsDBNull(lastStep) ? null : reader.GetInt64(lastStep),
                reader.GetInt32("failed_attempts"),
                reader.GetTimestampOrNull("locked_until"),
                (int)reader.GetInt64("recovery_left")));
        }

        return result;
    }
}
