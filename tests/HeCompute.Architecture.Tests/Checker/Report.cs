namespace HeCompute.Architecture.Tests.Checker;

/// <summary>Failure messages: one line per used type, with where it is used.</summary>
internal static class Report
{
    internal static string Lines(IEnumerable<Violation> violations) =>
        string.Join('\n', violations
            .GroupBy(v => v.Edge, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var sites = g.Select(v => v.Detail).Distinct(StringComparer.Ordinal).ToList();
                string more = sites.Count > 3 ? $" (+{sites.Count - 3} more)" : string.Empty;
                return $"{g.Key}: {string.Join("; ", sites.Take(3))}{more}";
            }));
}
