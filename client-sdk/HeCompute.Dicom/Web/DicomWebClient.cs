using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace HeCompute.Dicom.Web;

/// <summary>
/// A DICOMweb client (PS3.18) for a PACS: QIDO-RS searches for studies, series and instances, and WADO-RS retrieval of
/// instances as Part 10 files (multipart/related; type="application/dicom") with the transfer syntax negotiated in
/// the Accept header. Search results are DICOM JSON (PS3.18 F.2) read into <see cref="DicomDataset"/>s. Nothing is
/// sent but the query parameters and UIDs the caller gives.
/// </summary>
public sealed class DicomWebClient
{
    private readonly HttpClient _http;
    private readonly Uri _root;

    /// <summary>Creates a client for the DICOMweb root <paramref name="root"/> (for Orthanc: http://host:8042/dicom-web/).</summary>
    public DicomWebClient(HttpClient http, Uri root)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(root);
        _http = http;
        _root = root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
    }

    /// <summary>The largest answer read, in bytes (a retrieved instance or a search result); default 1 GiB.</summary>
    public long MaxResponseBytes { get; init; } = 1L << 30;

    /// <summary>QIDO-RS: the studies matching <paramref name="query"/> (attribute keyword or tag → value, e.g.
    /// PatientID, StudyDate "20240101-20240131", ModalitiesInStudy).</summary>
    public Task<IReadOnlyList<DicomDataset>> SearchStudiesAsync(IReadOnlyDictionary<string, string>? query = null, CancellationToken cancellationToken = default) =>
        SearchAsync("studies", query, cancellationToken);

    /// <summary>QIDO-RS: the series of a study (or, with <paramref name="studyInstanceUid"/> null, of every study) matching <paramref name="query"/> (e.g. Modality).</summary>
    public Task<IReadOnlyList<DicomDataset>> SearchSeriesAsync(string? studyInstanceUid, IReadOnlyDictionary<string, string>? query = null, CancellationToken cancellationToken = default) =>
        SearchAsync(studyInstanceUid is null ? "series" : $"studies/{Uid(studyInstanceUid)}/series", query, cancellationToken);

    /// <summary>QIDO-RS: the instances of a study (and series, when given) matching <paramref name="query"/>.</summary>
    public Task<IReadOnlyList<DicomDataset>> SearchInstancesAsync(string studyInstanceUid, string? seriesInstanceUid = null, IReadOnlyDictionary<string, string>? query = null, CancellationToken cancellationToken = default) =>
        SearchAsync(seriesInstanceUid is null ? $"studies/{Uid(studyInstanceUid)}/instances" : $"studies/{Uid(studyInstanceUid)}/series/{Uid(seriesInstanceUid)}/instances", query, cancellationToken);

    /// <summary>WADO-RS: one instance as a Part 10 file. <paramref name="transferSyntaxUid"/> is asked for in the Accept
    /// header: "*" (default) takes the instance as the PACS stores it; a UID asks the PACS to transcode.</summary>
    /// <exception cref="DicomWebException">The PACS refused, or its answer holds no DICOM part.</exception>
    public async Task<DicomFile> RetrieveInstanceAsync(string studyInstanceUid, string seriesInstanceUid, string sopInstanceUid, string transferSyntaxUid = "*", CancellationToken cancellationToken = default)
    {
        var path = $"studies/{Uid(studyInstanceUid)}/series/{Uid(seriesInstanceUid)}/instances/{Uid(sopInstanceUid)}";
        var parts = await RetrieveAsync(path, transferSyntaxUid, cancellationToken).ConfigureAwait(false);
        if (parts.Count != 1)
        {
            throw new DicomWebException($"WADO-RS {path} answered {parts.Count} DICOM parts; one was expected.");
        }

        return parts[0];
    }

    /// <summary>WADO-RS: every instance of a series or study, one request per instance (found with QIDO-RS), so only
    /// one instance is held in memory at a time.</summary>
    public async IAsyncEnumerable<DicomFile> RetrieveAllAsync(string studyInstanceUid, string? seriesInstanceUid = null, string transferSyntaxUid = "*",
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var instances = await SearchInstancesAsync(studyInstanceUid, seriesInstanceUid, null, cancellationToken).ConfigureAwait(false);
        foreach (var instance in instances)
        {
            string series = seriesInstanceUid ?? instance.GetString(DicomTag.SeriesInstanceUID);
            yield return await RetrieveInstanceAsync(studyInstanceUid, series, instance.GetString(DicomTag.SOPInstanceUID), transferSyntaxUid, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>STOW-RS: stores Part 10 files (for example de-identified copies, in a research PACS) in one
    /// multipart/related request to /studies. Returns the SOP Instance UIDs the PACS stored and those it refused.</summary>
    /// <exception cref="DicomWebException">The PACS refused the whole request or answered something else than DICOM JSON.</exception>
    public async Task<DicomWebStoreResult> StoreAsync(IEnumerable<DicomFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        string boundary = "hecompute-" + Guid.NewGuid().ToString("N");
        using var content = new MultipartContent("related", boundary);
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        int count = 0;
        foreach (var file in files)
        {
            var bytes = new MemoryStream();
            file.Save(bytes);
            var part = new ByteArrayContent(bytes.ToArray());
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            content.Add(part);
            count++;
        }

        if (count == 0)
        {
            return new DicomWebStoreResult([], []);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_root, "studies")) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/dicom+json"));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        byte[] body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(body);
            var result = DicomJson.ToDataset(document.RootElement);
            return new DicomWebStoreResult(SopInstances(result, new DicomTag(0x0008, 0x1199)), SopInstances(result, new DicomTag(0x0008, 0x1198)));
        }
        catch (JsonException e)
        {
            throw new DicomWebException($"STOW-RS answered malformed DICOM JSON: {e.Message}", e);
        }
    }

    // Referenced (0008,1199) / Failed (0008,1198) SOP Sequence items name each instance by Referenced SOP Instance UID.
    private static List<string> SopInstances(DicomDataset result, DicomTag sequence) =>
        result.GetSequence(sequence) is { } items
            ? [.. items.Items.Where(i => i.Contains(new DicomTag(0x0008, 0x1155))).Select(i => i.GetString(new DicomTag(0x0008, 0x1155)))]
            : [];

    private async Task<IReadOnlyList<DicomDataset>> SearchAsync(string path, IReadOnlyDictionary<string, string>? query, CancellationToken cancellationToken)
    {
        var uri = new Uri(_root, path + QueryString(query));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/dicom+json"));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NoContent)
        {
            return [];
        }

        byte[] body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
        if (body.Length == 0)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new DicomWebException($"QIDO-RS {path} answered JSON that is not an array of datasets.");
            }

            return [.. document.RootElement.EnumerateArray().Select(DicomJson.ToDataset)];
        }
        catch (JsonException e)
        {
            throw new DicomWebException($"QIDO-RS {path} answered malformed DICOM JSON: {e.Message}", e);
        }
    }

    private async Task<List<DicomFile>> RetrieveAsync(string path, string transferSyntaxUid, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_root, path));
        request.Headers.TryAddWithoutValidation("Accept", $"multipart/related; type=\"application/dicom\"; transfer-syntax={transferSyntaxUid}");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var type = response.Content.Headers.ContentType;
        if (type?.MediaType != "multipart/related" || type.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value is not { Length: > 0 } boundary)
        {
            throw new DicomWebException($"WADO-RS {path} answered {type?.ToString() ?? "no content type"}, not multipart/related with a boundary.");
        }

        byte[] body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
        var files = new List<DicomFile>();
        foreach (var (partType, content) in Multipart.Split(body, boundary.Trim('"')))
        {
            if (partType is not null && !partType.StartsWith("application/dicom", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            files.Add(DicomFile.Open(new MemoryStream(content.ToArray(), writable: false), new DicomReadOptions { DeferPixelData = false }));
        }

        return files;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new DicomWebException($"DICOMweb request {request.RequestUri} failed: {e.Message}", e);
        }

        if (!response.IsSuccessStatusCode)
        {
            int status = (int)response.StatusCode;
            string? reason = response.ReasonPhrase;
            response.Dispose();
            throw new DicomWebException($"DICOMweb request {request.RequestUri} answered {status} {reason}.") { StatusCode = status };
        }

        return response;
    }

    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is long declared && declared > MaxResponseBytes)
        {
            throw new DicomWebException($"The DICOMweb answer is {declared} bytes, more than MaxResponseBytes ({MaxResponseBytes}).");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxResponseBytes)
                {
                    throw new DicomWebException($"The DICOMweb answer exceeds MaxResponseBytes ({MaxResponseBytes}).");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static string QueryString(IReadOnlyDictionary<string, string>? query)
    {
        if (query is null || query.Count == 0)
        {
            return string.Empty;
        }

        var builder = new StringBuilder("?");
        foreach (var (key, value) in query)
        {
            if (builder.Length > 1)
            {
                builder.Append('&');
            }

            builder.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return builder.ToString();
    }

    // A UID has only digits and dots (PS3.5 9.1); anything else would change the request path.
    private static string Uid(string uid)
    {
        ArgumentException.ThrowIfNullOrEmpty(uid);
        if (uid.Length > 64 || uid.Any(c => c is not ('.' or (>= '0' and <= '9'))))
        {
            throw new ArgumentException($"'{uid}' is not a DICOM UID.", nameof(uid));
        }

        return uid;
    }

    /// <summary>The DICOM JSON model (PS3.18 F.2) read into datasets: text, numbers, person names, sequences.
    /// Binary values (InlineBinary, BulkDataURI) are not read: searches return none.</summary>
    private static class DicomJson
    {
        public static DicomDataset ToDataset(JsonElement json)
        {
            // JSON is Unicode: the values are stored as UTF-8 whatever character set the PACS reports.
            var dataset = new DicomDataset();
            dataset.AddOrUpdate(DicomVR.CS, DicomTag.SpecificCharacterSet, "ISO_IR 192");
            foreach (var property in json.EnumerateObject())
            {
                if (property.Name.Length != 8 || !uint.TryParse(property.Name, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint number))
                {
                    throw new DicomWebException($"DICOM JSON attribute name '{property.Name}' is not eight hexadecimal digits.");
                }

                var tag = new DicomTag((ushort)(number >> 16), (ushort)number);
                if (tag == DicomTag.SpecificCharacterSet)
                {
                    continue;
                }

                if (!property.Value.TryGetProperty("vr", out var vrText) || !DicomVRInfo.TryParse(vrText.GetString(), out var vr))
                {
                    throw new DicomWebException($"DICOM JSON attribute {tag} has no valid \"vr\".");
                }

                var values = property.Value.TryGetProperty("Value", out var v) && v.ValueKind == JsonValueKind.Array ? v : default;
                if (vr == DicomVR.SQ)
                {
                    var items = values.ValueKind == JsonValueKind.Array ? values.EnumerateArray().Select(ToDataset).ToList() : [];
                    dataset.AddOrUpdate(new DicomSequence(tag, items));
                    continue;
                }

                if (values.ValueKind != JsonValueKind.Array)
                {
                    if (!property.Value.TryGetProperty("InlineBinary", out _) && !property.Value.TryGetProperty("BulkDataURI", out _))
                    {
                        dataset.AddOrUpdate(new DicomElement(tag, vr, Array.Empty<byte>()));
                    }

                    continue;
                }

                dataset.AddOrUpdate(vr, tag, [.. values.EnumerateArray().Select(e => Text(e, vr, tag))]);
            }

            return dataset;
        }

        private static string Text(JsonElement value, DicomVR vr, DicomTag tag) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.Null => string.Empty,
            JsonValueKind.Object when vr == DicomVR.PN => value.TryGetProperty("Alphabetic", out var alphabetic) ? alphabetic.GetString() ?? string.Empty : string.Empty,
            _ => throw new DicomWebException($"DICOM JSON attribute {tag} ({vr}) has a value of kind {value.ValueKind}."),
        };
    }

    /// <summary>multipart/related bodies (RFC 2387, RFC 2046 5.1): parts between "--boundary" lines.</summary>
    private static class Multipart
    {
        public static List<(string? ContentType, ReadOnlyMemory<byte> Content)> Split(byte[] body, string boundary)
        {
            byte[] delimiter = Encoding.ASCII.GetBytes("--" + boundary);
            var parts = new List<(string?, ReadOnlyMemory<byte>)>();
            var span = body.AsSpan();
            int start = span.IndexOf(delimiter);
            if (start < 0)
            {
                throw new DicomWebException("The multipart answer has no boundary line.");
            }

            int position = start + delimiter.Length;
            while (true)
            {
                if (span[position..].StartsWith("--"u8))
                {
                    return parts; // the closing delimiter
                }

                int headersStart = span[position..].IndexOf("\r\n"u8);
                if (headersStart < 0)
                {
                    throw new DicomWebException("A multipart part has no header line.");
                }

                headersStart += position + 2;
                int headersEnd = span[headersStart..].IndexOf("\r\n\r\n"u8);
                if (headersEnd < 0 && !span[headersStart..].StartsWith("\r\n"u8))
                {
                    throw new DicomWebException("A multipart part's headers do not end.");
                }

                int contentStart = headersEnd < 0 ? headersStart + 2 : headersStart + headersEnd + 4;
                string headers = Encoding.ASCII.GetString(span[headersStart..Math.Max(headersStart, contentStart - 4)]);
                int next = span[contentStart..].IndexOf(delimiter);
                if (next < 0)
                {
                    throw new DicomWebException("A multipart part is not closed by its boundary.");
                }

                int contentEnd = contentStart + next - 2; // the CRLF before the delimiter belongs to it
                if (contentEnd < contentStart || !span[contentEnd..(contentEnd + 2)].SequenceEqual("\r\n"u8))
                {
                    throw new DicomWebException("A multipart boundary does not start a line.");
                }

                parts.Add((ContentType(headers), body.AsMemory(contentStart, contentEnd - contentStart)));
                position = contentStart + next + delimiter.Length;
            }
        }

        private static string? ContentType(string headers)
        {
            foreach (string line in headers.Split("\r\n"))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line[..colon].Trim().Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    return line[(colon + 1)..].Trim();
                }
            }

            return null;
        }
    }
}
