namespace HeCompute.Server.Storage.Postgres;

/// <summary>The at-rest keyring in PostgreSQL: one row every node reads.</summary>
public sealed class PostgresKeyringStore(PostgresDatabase database, TimeProvider time) : IKeyringStore
{
    /// <inheritdoc/>
    public async Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT document FROM at_rest_keyring WHERE id = 1;");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <inheritdoc/>
    public async Task<string> CreateAsync(string document, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(document);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // The no-op update makes RETURNING yield the row that won, ours or another node's, in one atomic statement.
        await using var command = connection.Command(
            "INSERT INTO at_rest_keyring (id, document, updated_at) VALUES (1, @doc, @at) ON CONFLICT (id) DO UPDATE SET id = at_rest_keyring.id RETURNING document;")
            .With("doc", document).With("at", time.GetUtcNow());
        return (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc/>
    public async Task<bool> ReplaceAsync(string expected, string document, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(expected);
        ArgumentException.ThrowIfNullOrEmpty(document);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("UPDATE at_rest_keyring SET document = @doc, updated_at = @at WHERE id = 1 AND document = @expected;")
            .With("doc", document).With("expected", expected).With("at", time.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
