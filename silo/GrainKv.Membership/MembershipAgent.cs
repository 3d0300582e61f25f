using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrainKv.Membership;

/// <summary>
/// This silo's part in the membership table: it joins as a new incarnation, becomes Active once its servers
/// listen, heartbeats, declares silos dead by <see cref="MembershipRules"/>, keeps <see cref="MembershipView"/>
/// current, stops the silo when it finds itself declared dead, and (while Active) removes the rows of silos
/// dead for longer than the defunct expiration. A graceful stop goes through ShuttingDown to Dead. While the
/// table is unreachable the silo keeps serving on its last view: losing the database must not take the
/// cluster down, and nobody can declare anyone dead meanwhile.
/// </summary>
public sealed partial class MembershipAgent : IHostedLifecycleService, IAsyncDisposable
{
    /// <summary>The silo's exit code after it stopped because the membership table declared it dead.</summary>
    public const int DeclaredDeadExitCode = 3;

    private readonly string _connectionString;
    private readonly string _cluster;
    private readonly SiloRegistration _registration;
    private readonly MembershipOptions _options;
    private readonly MembershipView _view;
    private readonly MembershipMetrics _metrics;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _wake = new(0);
    private PostgresMembershipTable? _table;
    private SiloIncarnation _self;
    private Task _loop = Task.CompletedTask;
    private volatile SiloStatus _wanted = SiloStatus.Joining;
    private volatile bool _declaredDead;
    private bool _tableUnreachable;
    private DateTime _nextDefunctCleanup = DateTime.MinValue; // on the table's clock
    private string _servingLogged = "";
    private string _sharingLogged = "";

    public MembershipAgent(string connectionString, string cluster, SiloRegistration registration, MembershipOptions options,
        MembershipView view, MembershipMetrics metrics, IHostApplicationLifetime lifetime, ILogger<MembershipAgent> log)
    {
        _connectionString = connectionString;
        _cluster = cluster;
        _registration = registration;
        _options = options.Validated();
        _view = view;
        _metrics = metrics;
        _lifetime = lifetime;
        _log = log;
    }

    /// <summary>True once the silo stopped (or is stopping) because its row was declared dead.</summary>
    public bool DeclaredDead => _declaredDead;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Joins, and reads the table once so the directory is filled before anything uses it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _table = await PostgresMembershipTable.OpenAsync(_connectionString, _cluster, cancellationToken).ConfigureAwait(false);
        _self = await _table.JoinAsync(_registration, cancellationToken).ConfigureAwait(false);
        LogJoined(_self.ToString(), _cluster, _options.HeartbeatInterval.TotalMilliseconds, _options.DeathTimeout.TotalMilliseconds);
        await RoundAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>The servers listen now: the next round makes this silo Active.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _wanted = SiloStatus.Active;
        _wake.Release();
        return Task.CompletedTask;
    }

    /// <summary>Tells the others, best effort, that this silo is going away while it still drains its requests.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _wanted = SiloStatus.ShuttingDown;
        _wake.Release();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    /// <summary>A graceful stop ends with this incarnation's row Dead, so nobody has to wait out the death timeout.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (_table is null || _declaredDead) return;
        try
        {
            await _table.SetOwnStatusAsync(_self, SiloStatus.Dead, cancellationToken).ConfigureAwait(false);
            LogStatusChanged(_self.ToString(), nameof(SiloStatus.Dead));
        }
        catch (Exception error) when (PostgresMembershipTable.IsUnreachable(error, cancellationToken))
        {
            LogLeaveFailed(_self.ToString(), error.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_table is not null) await _table.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _wake.Dispose();
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        while (!_declaredDead)
        {
            try
            {
                await _wake.WaitAsync(_options.HeartbeatInterval, stopping).ConfigureAwait(false);
                await RoundAsync(stopping).ConfigureAwait(false);
                if (_tableUnreachable)
                {
                    _tableUnreachable = false;
                    LogTableReachable();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (PostgresMembershipTable.IsUnreachable(error, stopping))
            {
                if (!_tableUnreachable) LogTableUnreachable(_options.HeartbeatInterval.TotalMilliseconds, error.Message);
                _tableUnreachable = true;
            }
        }
    }

    /// <summary>One heartbeat: write it, read the table, judge, act. Bounded by the death timeout, past which its news would be stale.</summary>
    private async Task RoundAsync(CancellationToken stopping)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        bounded.CancelAfter(_options.DeathTimeout);
        var ct = bounded.Token;
        var table = _table!;

        var heartbeatTaken = await HeartbeatAsync(table, stopping, ct).ConfigureAwait(false);
        var snapshot = await table.ReadAsync(ct).ConfigureAwait(false);
        _metrics.Read(snapshot);
        var judgement = MembershipRules.Judge(snapshot, _self, _options.DeathTimeout);
        if (!heartbeatTaken || judgement.SelfDead)
        {
            StopDeclaredDead(snapshot.Find(_self));
            return;
        }
        if (judgement.Deaths.Count > 0
            && await table.DeclareDeadAsync(snapshot.Version, judgement.Deaths.Select(death => death.Row.Silo).ToArray(), _self, ct).ConfigureAwait(false))
        {
            foreach (var (row, reason) in judgement.Deaths)
            {
                _metrics.DeathDeclared(reason);
                LogDeclaredDead(row.Silo.ToString(), reason, (snapshot.Now - row.IAmAliveTime).TotalMilliseconds);
            }
        }
        var own = snapshot.Find(_self)!;
        if (own.Status < _wanted)
        {
            var wanted = _wanted;
            if (!await table.SetOwnStatusAsync(_self, wanted, ct).ConfigureAwait(false))
            {
                StopDeclaredDead((await table.ReadAsync(ct).ConfigureAwait(false)).Find(_self));
                return;
            }
            LogStatusChanged(_self.ToString(), wanted.ToString());
        }
        _view.Update(snapshot);
        ReportChanges(snapshot);
        // Not while Joining, so that a failed cleanup never fails a start.
        if (own.Status == SiloStatus.Active && snapshot.Now >= _nextDefunctCleanup)
        {
            await RemoveDefunctAsync(table, snapshot, ct).ConfigureAwait(false);
        }
    }

    private async Task<bool> HeartbeatAsync(PostgresMembershipTable table, CancellationToken stopping, CancellationToken ct)
    {
        bool taken;
        try
        {
            taken = await table.HeartbeatAsync(_self, ct).ConfigureAwait(false);
        }
        catch (Exception error) when (PostgresMembershipTable.IsUnreachable(error, stopping))
        {
            _metrics.HeartbeatFailed();
            throw;
        }
        if (taken) _metrics.HeartbeatWritten();
        else _metrics.HeartbeatFailed();
        return taken;
    }

    private async Task RemoveDefunctAsync(PostgresMembershipTable table, MembershipSnapshot snapshot, CancellationToken ct)
    {
        var defunct = MembershipRules.Defunct(snapshot, _options.DefunctExpiration);
        if (defunct.Count > 0)
        {
            var removed = await table.RemoveDefunctAsync(defunct.Select(row => row.Silo).ToArray(), ct).ConfigureAwait(false);
            _metrics.DefunctRowsRemoved(removed);
            if (removed > 0) LogDefunctRemoved(removed, _options.DefunctExpiration.TotalMilliseconds);
        }
        _nextDefunctCleanup = snapshot.Now + _options.DefunctCleanupPeriod;
    }

    private void StopDeclaredDead(MembershipRow? own)
    {
        _declaredDead = true;
        if (own is null) LogRowMissing(_self.ToString());
        else if (own.Status == SiloStatus.Dead) LogSelfDeclaredDead(_self.ToString(), own.StatusChangedBy, own.StatusChangedTime);
        else LogSelfSuperseded(_self.ToString());
        _lifetime.StopApplication();
    }

    /// <summary>Logs the serving silos when they change, and warns when live silos share this silo's storage server.</summary>
    private void ReportChanges(MembershipSnapshot snapshot)
    {
        var serving = string.Join(", ", _view.LiveSilos.Select(silo => $"{silo.Name} ({silo.PeerAddress})"));
        if (serving != _servingLogged)
        {
            _servingLogged = serving;
            LogServing(serving);
        }
        var sharing = string.Join(", ", MembershipRules.SharingStorage(snapshot, _self, _options.DeathTimeout));
        if (sharing != _sharingLogged)
        {
            _sharingLogged = sharing;
            if (sharing.Length > 0) LogSharedStorage(sharing, _registration.StorageIdentity!);
        }
    }
}
