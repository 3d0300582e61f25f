namespace GrainKv.Storage.Tests;

public sealed class InMemoryRaftLogStoreTests : RaftLogStoreContractTests
{
    protected override Task<IRaftLogStore> OpenAsync() => Task.FromResult<IRaftLogStore>(new InMemoryRaftLogStore());

    protected override Task<IRaftLogStore> ReopenAsync(IRaftLogStore store) =>
        Task.FromResult<IRaftLogStore>(((InMemoryRaftLogStore)store).Restart());

    [Fact]
    public async Task Restart_CrashedStore_RefusesFurtherCalls()
    {
        var crashed = (InMemoryRaftLogStore)Store;
        var generation = await crashed.ClaimGenerationAsync(1, default);

        var restarted = crashed.Restart();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => crashed.SaveAsync([new GroupWrite(1, generation)], default));
        Assert.Equal(generation + 1, await restarted.ClaimGenerationAsync(1, default));
    }
}
