using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace GrainKv.Hosting;

/// <summary>
/// What every GrainKv host builder starts from. GrainKv takes its settings from flags and GRAINKV_* variables, never
/// from appsettings files, so the builders do not reload those files on change: reloading watches the content root
/// (the working directory) and everything under it, and a data dir there, as the default <c>grainkv.data</c> is, woke
/// that watcher on every write of the Raft log (measured: 0.3-0.6 s of CPU per 5 s of puts at 10k puts/s).
/// </summary>
public static class HostBuilderSettings
{
    private const string NoReloadOnChange = "--hostBuilder:reloadConfigOnChange=false";

    public static WebApplicationOptions WebApplication => new() { Args = [NoReloadOnChange] };

    public static HostApplicationBuilderSettings Application => new() { Args = [NoReloadOnChange] };
}
