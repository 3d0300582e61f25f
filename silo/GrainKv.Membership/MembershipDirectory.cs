using GrainKv.Runtime.Cluster;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GrainKv.Membership;

/// <summary>
/// The membership table as a read-only <see cref="ISiloDirectory"/>, for gateways and .NET clients that find
/// silos through it without being one: it reads the table every heartbeat interval. While the table is
/// unreachable it keeps its last view. Liveness is judged with the same death timeout the silos use.
/// </summary>
public sealed partial class MembershipDirectory : ISiloDirectory, IAsyncDisposable
{
    private readonly PostgresMembershipTable _table;
    private readonly string _cluster;
    private readonly MembershipView _view;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _deathTimeout;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private bool _unreachable;

    private MembershipDirectory(PostgresMembershipTable table, string cluster, MembershipOptions options, ILogger log)
    {
        _table = table;
        _cluster = cluster;
        _view = new MembershipView(options.DeathTimeout);
        _interval = options.HeartbeatInterval;
        _deathTimeout = options.DeathTimeout;
        _log = log;
    }

    public IReadOnlyList<SiloEntry> LiveSilos => _view.LiveSilos;

    public SiloEntry? Find(string name) => _view.Find(name);

    /// <summary>Opens the table of <paramref name="cluster"/> and reads it once before returning, so the directory starts filled.</summary>
    public static async Task<MembershipDirectory> OpenAsync(string connectionString, string cluster, MembershipOptions? options = null,
        ILogger<MembershipDirectory>? log = null, CancellationToken ct = default)
    {
        options = (options ?? new MembershipOptions()).Validated();
        var table = await PostgresMembershipTable.OpenAsync(connectionString, cluster, ct).ConfigureAwait(false);
        var directory = new MembershipDirectory(table, cluster, options, log ?? NullLogger<MembershipDirectory>.Instance);
        try
        {
            directory._view.Update(await table.ReadAsync(ct).ConfigureAwait(false));
        }
        catch
        {
            await directory.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        directory._loop = Task.Run(() => directory.RefreshAsync(directory._stopping.Token), CancellationToken.None);
        return directory;
    }

    /// <summary>
    /// What the live silos report of the cluster they were bootstrapped into (<see cref="MembershipRules.Bootstraps"/>),
    /// read every heartbeat interval until at least one has joined with a report: a gateway may start before the silos.
    /// </summary>
    public async Task<IReadOnlyList<BootstrapReport>> ReadBootstrapsAsync(CancellationToken ct)
    {
        var waiting = false;
        while (true)
        {
            var reports = await ReadLiveBootstrapsAsync(ct).ConfigureAwait(false);
            if (reports.Count > 0) return reports;
            if (!waiting) LogWaitingForBootstrap(_cluster, _interval.TotalMilliseconds);
            waiting = true;
            await Task.Delay(_interval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>What the live silos report now: none if no silo has joined yet.</summary>
    public async Task<IReadOnlyList<BootstrapReport>> ReadLiveBootstrapsAsync(CancellationToken ct) =>
        MembershipRules.Bootstraps(await _table.ReadAsync(ct).ConfigureAwait(false), _deathTimeout);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _table.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RefreshAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    bounded.CancelAfter(_deathTimeout);
                    _view.Update(await _table.ReadAsync(bounded.Token).ConfigureAwait(false));
                    if (_unreachable) LogReachable();
                    _unreachable = false;
                }
                catch (Exception error) when (PostgresMembershipTable.IsUnreachable(error, stopping))
                {
                    if (!_unreachable) LogUnreachable(_interval.TotalMilliseconds, error.Message);
                    _unreachable = true;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
