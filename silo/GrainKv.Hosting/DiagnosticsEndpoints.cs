using System.Net;
using System.Reflection;
using GrainKv.Gateway.Services;
using GrainKv.Runtime.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace GrainKv.Hosting;

/// <summary>
/// What etcd serves on --listen-metrics-urls, and GrainKv's executables with it: HTTP/1.1 <c>/metrics</c>
/// (Prometheus text format, from the registered <see cref="PrometheusMetrics"/>), <c>/health</c> and <c>/version</c>.
/// </summary>
public static class DiagnosticsEndpoints
{
    /// <summary>GrainKv's own version; every GrainKv assembly carries the same.</summary>
    public static string GrainKvVersion =>
        typeof(DiagnosticsEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Listens on each metrics URL (http://ip:port) with HTTP/1.1, as curl and Prometheus speak it.</summary>
    public static void ListenForDiagnostics(this KestrelServerOptions kestrel, IEnumerable<Uri> metricsUrls)
    {
        foreach (var url in metricsUrls)
        {
            kestrel.Listen(IPAddress.Parse(url.Host), url.Port, listen => listen.Protocols = HttpProtocols.Http1);
        }
    }

    public static void MapDiagnostics(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<PrometheusMetrics>();
        app.MapGet("/metrics", () => Results.Text(metrics.Scrape(), "text/plain; version=0.0.4"));
        app.MapGet("/health", () => Results.Json(new { health = "true" }));
        app.MapGet("/version", () => Results.Json(new { grainkv = GrainKvVersion, etcdserver = MaintenanceService.EtcdApiVersion, etcdcluster = "3.4.0" }));
    }
}
