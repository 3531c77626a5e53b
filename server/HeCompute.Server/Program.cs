using HeCompute.Server.Audit;
using HeCompute.Server.Auth;
using HeCompute.Server.Cluster;
using HeCompute.Server.Compute;
using HeCompute.Server.Datasets;
using HeCompute.Server.Endpoints;
using HeCompute.Server.Endpoints.ConsoleUi;
using HeCompute.Server.Jobs;
using HeCompute.Server.KeySets;
using HeCompute.Server.Options;
using HeCompute.Server.Predictions;
using HeCompute.Server.Security;
using HeCompute.Server.Storage;
using HeCompute.Server.Storage.AtRest;
using HeCompute.Server.Studies;
using HeCompute.Server.Telemetry;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
if (KeyRewrapCommand.IsRequested(args))
{
    return KeyRewrapCommand.Run(builder.Configuration, builder.Environment, Console.Out, Console.Error);
}

builder.UseHeComputeTransport();
builder.Services.AddHeComputeOptions();
builder.Services.AddHeComputeStorage();
builder.Services.AddHeComputeAuth();
builder.Services.AddHeComputeApi();
builder.Services.AddHeComputeRateLimits();
builder.Services.AddHeComputeKeySets();
builder.Services.AddHeComputeCompute();
builder.Services.AddHeComputeJobs();
builder.Services.AddHeComputeAnalytics();
builder.Services.AddHeComputeDatasets();
builder.Services.AddHeComputeStudies();
builder.Services.AddHeComputeTelemetry(builder.Configuration);
builder.AddHeComputeCluster();
builder.Services.AddHeComputeConsole();

var app = builder.Build();

app.UseSecurityHeaders();
app.UseRouting();
app.UseMiddleware<AuditMiddleware>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseConsoleHttpsOnly();
app.UseAuthentication();
// After authentication, so each API key has its own bucket.
app.UseRateLimiter();
app.UseAuthorization();

app.MapOpenApi().AllowAnonymous().DisableRateLimiting();
app.MapScalarApiReference().AllowAnonymous().DisableRateLimiting();
app.MapHealth();
app.MapAdmin();
app.MapTenant();
app.MapKeySets();
app.MapJobs();
app.MapModels();
app.MapDatasets();
app.MapStudies();
app.MapAudit();
app.MapCluster();
app.MapConsole();

// `backup DIR`, `restore DIR` and `verify` run on the configured storage instead of serving (see the README).
if (await StorageCommand.RunAsync(app.Services, args, Console.Out) is { } exitCode)
{
    return exitCode;
}

app.Run();
return 0;

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
