using System.Net;
using System.Reflection;
using GrainKv.Gateway.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace GrainKv.Hosting;

/// <summary>
/// What etcd serves on --listen-metrics-urls, and GrainKv's executables with it: HTTP/1.1 <c>/metrics</c>
/// (Prometheus text format, by OpenTelemetry's Prometheus exporter), <c>/health</c> and <c>/version</c>.
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

    /// <summary>
    /// Exports on /metrics every GrainKv meter, Orleans', ASP.NET Core's and Kestrel's, the runtime's, the process collector's
    /// and what <paramref name="configure"/> adds (meters are chosen by name, so any library's meter can join).
    /// Series carry no scope labels and no target_info, so a series reads as etcd's do (<c>name value</c>); scrapes
    /// are not cached, so a scrape sees everything recorded before it.
    /// </summary>
    public static void AddPrometheusMetrics(this IServiceCollection services, Action<MeterProviderBuilder>? configure = null)
    {
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics
                .AddMeter("GrainKv.*", "Microsoft.Orleans", "Microsoft.AspNetCore.*", "System.Runtime")
                .AddInstrumentation<ProcessMetrics>()
                .AddPrometheusExporter(exporter =>
                {
                    exporter.ScopeInfoEnabled = false;
                    exporter.TargetInfoEnabled = false;
                    exporter.ScrapeResponseCacheDurationMilliseconds = 0;
                });
            configure?.Invoke(metrics);
        });
    }

    public static void MapDiagnostics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/health", () => Results.Json(new { health = "true" }));
        app.MapGet("/version", () => Results.Json(new { grainkv = GrainKvVersion, etcdserver = MaintenanceService.EtcdApiVersion, etcdcluster = "3.4.0" }));
    }
}
