using System.CommandLine;
using HeCompute.Client.Http;
using HeCompute.Client.Keys;
using HeCompute.Contracts;
using Spectre.Console;

namespace HeCompute.Cli.Commands;

/// <summary><c>keys init|rotate|upload|list|delete|rotate-api-key</c>.</summary>
internal static class KeysCommands
{
    public static Command Create()
    {
        var keys = new Command("keys", "Generate, store (secret key encrypted), upload, list and delete key sets");
        keys.Add(Init());
        keys.Add(Rotate());
        keys.Add(Upload());
        keys.Add(List());
        keys.Add(Delete());
        keys.Add(RotateApiKey());
        return keys;
    }

    /// <summary>Generates keys for a model's or dataset's plan and stores them; the evaluation keys are uploaded unless --no-upload.</summary>
    public static async Task<(StoredKeySet Stored, KeySetResponse? Uploaded)> InitAsync(
        CliContext context, HeComputeClient client, string subject, string subjectId, bool upload, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var plan = subject == "model"
            ? (await client.GetModelAsync(subjectId, cancellationToken)).Plan
            : (await client.GetDatasetAsync(subjectId, cancellationToken)).Plan;
        var passphrase = context.Passphrase(confirm: true);
        var stored = await context.Output.WithProgressAsync("Generating keys", async report =>
        {
            using var material = await Task.Run(() => PlanKeyMaterial.Generate(plan, cancellationToken), cancellationToken);
            report(0.7, "encrypting the secret key");
            return await context.KeyStore.SaveAsync(material, subject, subjectId, passphrase, cancellationToken);
        });
        var uploaded = upload ? await UploadAsync(context, client, stored, expiresAt, cancellationToken) : null;
        return (uploaded is null ? stored : await context.KeyStore.GetAsync(stored.Id, cancellationToken), uploaded);
    }

    /// <summary>Uploads a stored key set's evaluation keys and, for a dataset, binds them to it.</summary>
    public static async Task<KeySetResponse> UploadAsync(
        CliContext context, HeComputeClient client, StoredKeySet stored, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        KeySetResponse response;
        using (var upload = context.KeyStore.OpenUpload(stored) with { ExpiresAt = expiresAt })
        {
            response = await context.Output.WithProgressAsync($"Uploading {CliOutput.Bytes(stored.UploadBytes)} of evaluation keys", _ => client.UploadKeySetAsync(upload, cancellationToken));
        }

        await context.KeyStore.SetServerKeySetIdAsync(stored, response.Id, cancellationToken);
        if (stored.Subject == "dataset")
        {
            await client.BindDatasetKeySetAsync(stored.SubjectId, response.Id, cancellationToken);
        }

        return response;
    }

    private static Command Init()
    {
        var model = new Option<string?>("--model") { Description = "Generate keys for this model's plan" };
        var dataset = new Option<string?>("--dataset") { Description = "Generate keys for this dataset's plan" };
        var noUpload = new Option<bool>("--no-upload") { Description = "Only store the keys locally" };
        var expiresAt = ExpiresAtOption();
        var command = new Command("init", "Generate a secret key and exactly the evaluation keys a plan needs; store them, the secret key encrypted")
        {
            model, dataset, noUpload, expiresAt,
        };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var (subject, id) = (parse.GetValue(model), parse.GetValue(dataset)) switch
            {
                ({ } m, null) => ("model", m),
                (null, { } d) => ("dataset", d),
                _ => throw new CliException("Give exactly one of --model ID or --dataset ID."),
            };
            var client = context.Client();
            var (stored, uploaded) = await InitAsync(context, client, subject, id, !parse.GetValue(noUpload), ExpiryOf(parse.GetValue(expiresAt)), cancellationToken);

            // Dataset owners hand this fingerprint to contributors, who pin it against a server serving another key.
            var fingerprint = await context.KeyStore.PublicKeySha256Async(stored, cancellationToken);
            context.Output.Result(new { KeySet = Summary(stored), Uploaded = uploaded, PublicKeySha256 = fingerprint }, console =>
            {
                console.Write(Table([stored]));
                console.MarkupLine($"Public key fingerprint (for dataset contributors to pin): {fingerprint}");
            });
            return 0;
        });
        return command;
    }

    private static Command Rotate()
    {
        var model = new Option<string?>("--model") { Description = "Rotate the key set used for this model" };
        var deleteOld = new Option<bool>("--delete-old")
        {
            Description = "Then delete this model's older key sets, here and on the server (results encrypted under them can no longer be decrypted)",
        };
        var expiresAt = ExpiresAtOption();
        var command = new Command(
            "rotate", "Regular key rotation: generate fresh keys for a model's plan here, upload them and print the new key set id (predict uses the newest)")
        {
            model, deleteOld, expiresAt,
        };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var modelId = parse.GetValue(model) ?? throw new CliException("Give --model ID.");
            var expiry = ExpiryOf(parse.GetValue(expiresAt));
            var client = context.Client();
            var older = (await context.KeyStore.ListAsync(cancellationToken)).Where(k => k.Subject == "model" && k.SubjectId == modelId).ToList();
            var (stored, uploaded) = await InitAsync(context, client, "model", modelId, upload: true, expiry, cancellationToken);
            var deleted = new List<string>();
            if (parse.GetValue(deleteOld))
            {
                foreach (var old in older)
                {
                    if (old.ServerKeySetId is { } serverId)
                    {
                        try
                        {
                            await client.DeleteKeySetAsync(serverId, cancellationToken);
                        }
                        catch (HeComputeApiException ex) when (ex.Status == System.Net.HttpStatusCode.NotFound)
                        {
                            // Already gone on the server (deleted there, or its tenant erased): the local copy still goes.
                        }
                    }

                    await context.KeyStore.DeleteAsync(old.Id, cancellationToken);
                    deleted.Add(old.ServerKeySetId ?? old.Id);
                }
            }

            context.Output.Result(
                new { KeySetId = uploaded!.Id, uploaded.ExpiresAt, KeySet = Summary(stored), Deleted = deleted },
                console =>
                {
                    console.MarkupLine($"New key set [bold]{Markup.Escape(uploaded.Id)}[/] for model {Markup.Escape(modelId)}"
                        + (uploaded.ExpiresAt is { } at ? FormattableString.Invariant($", expires {at:u}.") : "."));
                    if (deleted.Count > 0)
                    {
                        console.MarkupLine($"Deleted {Markup.Escape(string.Join(", ", deleted))}.");
                    }
                });
            return 0;
        });
        return command;
    }

    private static Command RotateApiKey()
    {
        var id = new Argument<string>("key-id") { Description = "The API key's id (tenant-admin: one of its tenant's keys; admin: any)" };
        var overlap = new Option<int?>("--overlap-seconds")
        {
            Description = "How long the old secret keeps working (default: the server's, 24 hours; 0: it stops at once)",
        };
        var command = new Command("rotate-api-key", "Give an API key a new secret (printed once), same id and roles; the old one works for the overlap") { id, overlap };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var rotated = await context.Client().RotateApiKeyAsync(parse.GetValue(id)!, parse.GetValue(overlap), cancellationToken);
            context.Output.Result(rotated, console =>
            {
                console.MarkupLine($"New secret for key [bold]{Markup.Escape(rotated.Key.Id)}[/] (shown once; store it now):");
                console.WriteLine(rotated.Secret);
                console.MarkupLine(rotated.Key.PreviousSecretExpiresAt is { } until
                    ? FormattableString.Invariant($"The old secret works until {until:u}.")
                    : "The old secret no longer works.");
            });
            return 0;
        });
        return command;
    }

    private static Option<string?> ExpiresAtOption() => new("--expires-at")
    {
        Description = "When the server stops using the uploaded keys for new computations (ISO 8601, at most two years away; default: the server's)",
    };

    private static DateTimeOffset? ExpiryOf(string? text) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at
        : throw new CliException($"--expires-at '{text}' is not a date and time (ISO 8601, e.g. 2027-06-30T00:00:00Z).");

    private static Command Upload()
    {
        var id = new Argument<string>("id") { Description = "Local key set id" };
        var expiresAt = ExpiresAtOption();
        var command = new Command("upload", "Upload a stored key set's evaluation keys (never the secret key)") { id, expiresAt };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var stored = await context.KeyStore.GetAsync(parse.GetValue(id)!, cancellationToken);
            var response = await UploadAsync(context, context.Client(), stored, ExpiryOf(parse.GetValue(expiresAt)), cancellationToken);
            context.Output.Result(response, console => console.MarkupLine($"Uploaded as [bold]{Markup.Escape(response.Id)}[/] ({CliOutput.Bytes(response.TotalBytes)}, {response.GaloisElements.Count} Galois keys)."));
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var remote = new Option<bool>("--remote") { Description = "List the key sets the server holds instead" };
        var command = new Command("list", "List stored key sets") { remote };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            if (parse.GetValue(remote))
            {
                var server = await context.Client().ListKeySetsAsync(cancellationToken);
                context.Output.Result(server, console =>
                {
                    var table = new Table().AddColumns("id", "name", "N", "parms_id", "relin", "galois", "size");
                    foreach (var k in server.Items)
                    {
                        table.AddRow(k.Id, Markup.Escape(k.Name ?? ""), $"{k.PolyModulusDegree}", k.ParmsId[..16], k.HasRelinKeys ? "yes" : "no", $"{k.GaloisElements.Count}", CliOutput.Bytes(k.TotalBytes));
                    }

                    console.Write(table);
                });
                return 0;
            }

            var stored = await context.KeyStore.ListAsync(cancellationToken);
            context.Output.Result(new { Items = stored.Select(Summary).ToList() }, console => console.Write(Table(stored)));
            return 0;
        });
        return command;
    }

    private static Command Delete()
    {
        var id = new Argument<string>("id") { Description = "Local key set id (or the server's id)" };
        var command = new Command("delete", "Delete a stored key set (and its uploaded evaluation keys on the server)") { id };
        CliRunner.SetAction(command, async (context, parse, cancellationToken) =>
        {
            var stored = await context.KeyStore.GetAsync(parse.GetValue(id)!, cancellationToken);
            if (stored.ServerKeySetId is { } serverId)
            {
                await context.Client().DeleteKeySetAsync(serverId, cancellationToken);
            }

            await context.KeyStore.DeleteAsync(stored.Id, cancellationToken);
            context.Output.Result(new { Deleted = stored.Id, ServerKeySetId = stored.ServerKeySetId }, console => console.MarkupLine($"Deleted {stored.Id}."));
            return 0;
        });
        return command;
    }

    private static object Summary(StoredKeySet k) => new
    {
        Id = k.Id,
        Subject = k.Subject,
        SubjectId = k.SubjectId,
        ParmsId = k.ParmsId,
        PolyModulusDegree = k.Plan.Parameters.PolyModulusDegree,
        RelinearizationKeys = k.Plan.Keys.RelinearizationKeys,
        GaloisSteps = k.Plan.Keys.GaloisSteps,
        UploadBytes = k.UploadBytes,
        ServerKeySetId = k.ServerKeySetId,
        CreatedAt = k.CreatedAt,
    };

    private static Table Table(IEnumerable<StoredKeySet> stored)
    {
        var table = new Table().AddColumns("id", "for", "N", "relin", "galois steps", "upload", "server id");
        foreach (var k in stored)
        {
            table.AddRow(
                k.Id,
                Markup.Escape($"{k.Subject} {k.SubjectId}"),
                $"{k.Plan.Parameters.PolyModulusDegree}",
                k.Plan.Keys.RelinearizationKeys ? "yes" : "no",
                Markup.Escape(string.Join(' ', k.Plan.Keys.GaloisSteps)),
                CliOutput.Bytes(k.UploadBytes),
                Markup.Escape(k.ServerKeySetId ?? "(not uploaded)"));
        }

        return table;
    }
}
