namespace HeCompute.Server.Storage.Sqlite;

/// <summary>The at-rest keyring in SQLite: one row.</summary>
public sealed class SqliteKeyringStore(SqliteDatabase database, TimeProvider time) : IKeyringStore
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
        // One statement: the insert and the read of whichever row is there are atomic under SQLite's write lock.
        await using var command = connection.Command(
            "INSERT INTO at_rest_keyring (id, document, updated_at) VALUES (1, $doc, $at) ON CONFLICT (id) DO UPDATE SET id = id RETURNING document;")
            .With("$doc", document).With("$at", SqliteDatabase.Format(time.GetUtcNow()));
        return (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc/>
    public async Task<bool> ReplaceAsync(string expected, string document, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(expected);
        ArgumentException.ThrowIfNullOrEmpty(document);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("UPDATE at_rest_keyring SET document = $doc, updated_at = $at WHERE id = 1 AND document = $expected;")
            .With("$doc", document).With("$expected", expected).With("$at", SqliteDatabase.Format(time.GetUtcNow()));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
