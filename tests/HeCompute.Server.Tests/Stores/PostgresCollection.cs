namespace HeCompute.Server.Tests.Stores;

/// <summary>The PostgreSQL tests: one server for all of them, run with nothing else in parallel.</summary>
[CollectionDefinition(PostgresServer.Collection, DisableParallelization = true)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;
