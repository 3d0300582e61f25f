namespace GrainKv.Runtime;

internal enum GrainActivationState
{
    /// <summary>In the catalog, no grain object yet; the first work item starts the activation.</summary>
    Created,
    /// <summary>Constructing the grain and running OnActivateAsync; work items wait.</summary>
    Activating,
    /// <summary>Running turns.</summary>
    Valid,
    /// <summary>Running OnDeactivateAsync; work items wait and then go to the next activation.</summary>
    Deactivating,
    /// <summary>Out of the catalog; takes no more work items.</summary>
    Invalid,
}
