namespace GrainKv.Bench;

/// <summary>
/// The <c>--endpoints</c> value: comma-separated URLs, as etcdctl takes them. A bare host:port means http://host:port,
/// since the benchmark speaks h2c only.
/// </summary>
public static class EndpointList
{
    public static (IReadOnlyList<Uri>? Endpoints, string? Error) Parse(string text)
    {
        var endpoints = new List<Uri>();
        foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string withScheme = item.Contains("://", StringComparison.Ordinal) ? item : "http://" + item;
            if (!Uri.TryCreate(withScheme, UriKind.Absolute, out Uri? endpoint) || endpoint.Scheme != Uri.UriSchemeHttp)
            {
                return (null, $"'{item}' is not an http:// endpoint (the benchmark speaks cleartext HTTP/2 only)");
            }

            endpoints.Add(endpoint);
        }

        return endpoints.Count == 0 ? (null, "--endpoints names no endpoint") : (endpoints, null);
    }
}
