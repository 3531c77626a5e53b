using System.Net;
using System.Net.Http.Headers;
using HeCompute.Contracts;
using HeCompute.Lattice.Multiparty;
using HeCompute.Lattice.Rlwe;
using HeCompute.Lattice.Serialization;

namespace HeCompute.Server.Tests.Infrastructure;

/// <summary>Runs a study's key ceremony over HTTP for every participant (each with its own fresh secret).</summary>
public static class StudyCeremonies
{
    /// <summary>Joins every participant and sends every round's shares; returns the session and the secrets in party order.</summary>
    public static async Task<(MultipartySession Session, SecretKey[] Secrets)> CompleteAsync(StudyResponse study, IReadOnlyList<HttpClient> participants)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(participants);
        foreach (var http in participants)
        {
            using var joined = await http.PostAsync($"/v1/studies/{study.Id}/join", null);
            Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        }

        Parameters parameters;
        using (var stream = new MemoryStream(Convert.FromBase64String(study.Plan.Parameters.SealParameters)))
        {
            parameters = Parameters.Create(ParametersLiteral.Load(stream, SecurityLevel.Tc128));
        }

        var n = participants.Count;
        var session = new MultipartySession(parameters, new CommonReference(Convert.FromBase64String(study.CommonSeed)), n);
        var secrets = new SecretKey[n];
        for (var i = 0; i < n; i++)
        {
            using var generator = new KeyGenerator(parameters);
            secrets[i] = generator.SecretKey;
        }

        var rkg = new RelinKeyProtocol(session);
        for (var i = 0; i < n; i++)
        {
            await SubmitAsync(participants[i], $"/v1/studies/{study.Id}/rounds/ckg/shares", Bytes(new PublicKeyProtocol(session).GenerateShare(secrets[i], i).Save));
            await SubmitAsync(participants[i], $"/v1/studies/{study.Id}/rounds/rkg-1/shares", Bytes(rkg.GenerateRoundOne(secrets[i], i).Save));
        }

        Share aggregate;
        using (var stream = new MemoryStream(await participants[0].GetByteArrayAsync($"/v1/studies/{study.Id}/keys/rkg-1")))
        {
            aggregate = Share.Load(session, ShareKind.RelinearizationRoundOne, stream);
        }

        for (var i = 0; i < n; i++)
        {
            await SubmitAsync(participants[i], $"/v1/studies/{study.Id}/rounds/rkg-2/shares", Bytes(rkg.GenerateRoundTwo(secrets[i], i, aggregate).Save));
            foreach (var element in study.GaloisElements)
            {
                await SubmitAsync(participants[i], $"/v1/studies/{study.Id}/rounds/rtg/shares?element={element}", Bytes(new GaloisKeyProtocol(session).GenerateShare(secrets[i], i, element).Save));
            }
        }

        return (session, secrets);
    }

    /// <summary>SEAL bytes of a saved object, uncompressed.</summary>
    public static byte[] Bytes(Func<Stream, CompressionMode?, long> save)
    {
        ArgumentNullException.ThrowIfNull(save);
        using var buffer = new MemoryStream();
        save(buffer, CompressionMode.None);
        return buffer.ToArray();
    }

    /// <summary>Posts raw bytes.</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(http);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return http.PostAsync(path, content);
    }

    /// <summary>Posts raw bytes and asserts 201.</summary>
    public static async Task SubmitAsync(HttpClient http, string path, byte[] body)
    {
        using var response = await PostAsync(http, path, body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
