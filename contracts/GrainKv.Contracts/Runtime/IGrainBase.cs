namespace GrainKv.Runtime;

/// <summary>A grain class the runtime calls back on activation and deactivation.</summary>
public interface IGrainBase
{
    IGrainContext GrainContext { get; }

    /// <summary>Runs once before the first call reaches the activation; a throw fails the calls waiting for it.</summary>
    Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once after the last call on the activation finished; the token fires at the deactivation timeout.</summary>
    Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;
}
