namespace HeCompute.Server.Storage.Postgres;

/// <summary>Tenants in PostgreSQL.</summary>
public sealed class PostgresTenantStore(PostgresDatabase database) : ITenantStore
{
    /// <inheritdoc/>
    public async Task CreateAsync(TenantRecord tenant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("INSERT INTO tenants (id, name, created_at) VALUES (@id, @name, @at);")
            .With("id", tenant.Id).With("name", tenant.Name).With("at", tenant.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<TenantRecord?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        var list = await QueryAsync("SELECT * FROM tenants WHERE id = @id;", tenantId, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<TenantRecord>> ListAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT * FROM tenants ORDER BY created_at, id;", null, cancellationToken);

    private async Task<IReadOnlyList<TenantRecord>> QueryAsync(string sql, string? id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(sql);
        if (id is not null)
        {
            command.With("id", id);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<TenantRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new TenantRecord(reader.GetString("id"), reader.GetString("name"), reader.GetTimestamp("created_at")));
        }

        return result;
    }
}
