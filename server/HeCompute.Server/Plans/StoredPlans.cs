using System.Text.Json;
using HeCompute.Contracts;

namespace HeCompute.Server.Plans;

/// <summary>Reads the plan documents stored with models and datasets (the one reader both use).</summary>
public static class StoredPlans
{
    /// <summary>Reads a stored plan.</summary>
    /// <exception cref="InvalidDataException">The stored plan is empty.</exception>
    public static PlanDocument Read(string planJson) =>
        JsonSerializer.Deserialize<PlanDocument>(planJson, HeComputeJson.Options) ?? throw new InvalidDataException("A stored plan is empty.");
}
