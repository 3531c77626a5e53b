using Npgsql;

namespace HeCompute.Server.Storage.Postgres;

/// <summary>Small ADO.NET helpers (named <c>@parameters</c>).</summary>
internal static class PostgresExtensions
{
    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null) =>
        new(sql, connection, transaction);

    public static NpgsqlCommand With(this NpgsqlCommand command, string name, object? value)
    {
        // Npgsql refuses a DateTimeOffset with a non-zero offset for timestamptz; every stored time is UTC anyway.
        command.Parameters.AddWithValue(name, value switch
        {
            null => DBNull.Value,
            DateTimeOffset time => PostgresDatabase.Round(time),
            _ => value,
        });
        return command;
    }

    public static string? GetStringOrNull(this NpgsqlDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
    }

    public static string GetString(this NpgsqlDataReader reader, string column) => reader.GetString(reader.GetOrdinal(column));

    public static long GetInt64(this NpgsqlDataReader reader, string column) => reader.GetInt64(reader.GetOrdinal(column));

    public static int GetInt32(this NpgsqlDataReader reader, string column) => reader.GetInt32(reader.GetOrdinal(column));

    public static bool GetBoolean(this NpgsqlDataReader reader, string column) => reader.GetBoolean(reader.GetOrdinal(column));

    public static double GetDouble(this NpgsqlDataReader reader, string column) => reader.GetDouble(reader.GetOrdinal(column));

    public static T Get<T>(this NpgsqlDataReader reader, string column) => reader.GetFieldValue<T>(reader.GetOrdinal(column));

    public static DateTimeOffset GetTimestamp(this NpgsqlDataReader reader, string column) => reader.GetFieldValue<DateTimeOffset>(reader.GetOrdinal(column));

    public static DateTimeOffset? GetTimestampOrNull(this NpgsqlDataReader reader, string column)
    {
        var ordinal = reader.GetOrdinal(column);
        return reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
    }
}
