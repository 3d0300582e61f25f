using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;

namespace GrainKv.Orleans.Membership;

/// <summary>An Orleans client's gateways from the membership table in group 0: the active silos that take clients.</summary>
public sealed class Group0GatewayListProvider(Group0MembershipTable table, IOptions<GatewayOptions> gateways) : IGatewayListProvider
{
    public TimeSpan MaxStaleness => gateways.Value.GatewayListRefreshPeriod;

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public async Task<IList<Uri>> GetGateways() =>
        (await table.ReadAll()).Members
            .Select(member => member.Item1)
            .Where(entry => entry.Status == SiloStatus.Active && entry.ProxyPort > 0)
            .Select(entry => SiloAddress.New(entry.SiloAddress.Endpoint.Address, entry.ProxyPort, entry.SiloAddress.Generation).ToGatewayUri())
            .ToList();
}
