using Microsoft.Data.Sqlite;

namespace HeCompute.Server.Storage.Sqlite;

/// <summary>Small ADO.NET helpers.</summary>
internal static class SqliteExtensions
{
    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static string? GetStringOrNull(this SqliteDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    public static string GetString(this SqliteDataReader reader, string column) => reader.GetString(reader.GetOrdinal(column));

    public static long GetInt64(this SqliteDataReader reader, string column) => reader.GetInt64(reader.GetOrdinal(column));

    public static DateTimeOffset? GetTimestampOrNull(this SqliteDataReader reader, string column) =>
        reader.GetStringOrNull(column) is { } text ? SqliteDatabase.Parse(text) : null;

    public static DateTimeOffset GetTimestamp(this SqliteDataReader reader, string column) => SqliteDatabase.Parse(reader.GetString(column));
}
