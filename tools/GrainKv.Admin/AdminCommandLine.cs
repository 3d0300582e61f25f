using System.CommandLine;
using System.Globalization;
using GrainKv.Admin.Protocol;
using GrainKv.Client;
using Grpc.Core;

namespace GrainKv.Admin;

/// <summary>
/// GrainKv's admin tool: <c>--endpoints HOST:PORT[,...]</c> (any silo's or gateway's client URL, tried in order) and
/// the <c>shards</c> commands. Exit code 0 on success, 1 on any error, the message on stderr.
/// </summary>
public static class AdminCommandLine
{
    private const int ErrorExitCode = 1;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

    private static readonly Option<string> Endpoints = new("--endpoints")
    {
        Description = "gRPC endpoints (client URLs of silos or gateways)",
        DefaultValueFactory = _ => "127.0.0.1:2379",
        Recursive = true,
    };

    public static RootCommand Create()
    {
        var shards = new Command("shards", "Shards: list them, move a shard's leadership");
        shards.Subcommands.Add(CreateListCommand());
        shards.Subcommands.Add(CreateTransferLeaderCommand());
        var root = new RootCommand("GrainKv admin tool.") { Endpoints };
        root.Subcommands.Add(shards);
        return root;
    }

    private static Command CreateListCommand()
    {
        var writeOut = new Option<string>("--write-out", "-w")
        {
            Description = "set the output format (table, json)",
            DefaultValueFactory = _ => ShardListFormat.Table,
        }.AcceptOnlyFromAmong(ShardListFormat.Table, ShardListFormat.Json);
        var command = new Command("list", "Lists the shards: key range, replicas, leader, size and revision") { writeOut };
        command.SetAction((parsed, ct) => CallAsync(parsed, async (client, deadline) =>
        {
            var list = await client.ListAsync(new ListShardsRequest(), deadline: deadline, cancellationToken: ct);
            Console.Out.Write(ShardListFormat.Print(list, parsed.GetRequiredValue(writeOut)));
        }));
        return command;
    }

    private static Command CreateTransferLeaderCommand()
    {
        var shard = new Argument<ulong>("shard") { Description = "The shard's id" };
        var member = new Argument<string>("silo") { Description = "The member (id in hex, as etcdctl prints it) to lead the shard" };
        var command = new Command("transfer-leader", "Hands a shard's leadership to its replica on another member") { shard, member };
        command.SetAction((parsed, ct) => CallAsync(parsed, async (client, deadline) =>
        {
            var memberText = parsed.GetRequiredValue(member);
            if (!ulong.TryParse(memberText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var memberId))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"bad member ID arg ({memberText}), expecting ID in Hex"));
            }
            var shardId = parsed.GetValue(shard);
            await client.TransferLeaderAsync(new TransferShardLeaderRequest { Shard = shardId, Member = memberId }, deadline: deadline, cancellationToken: ct);
            Console.Out.WriteLine($"Shard {shardId}'s leadership transferred to {memberId:x}");
        }));
        return command;
    }

    /// <summary>Runs <paramref name="call"/> on the first endpoint that answers.</summary>
    private static async Task<int> CallAsync(ParseResult parsed, Func<Shards.ShardsClient, DateTime, Task> call)
    {
        using var endpoints = EtcdEndpoints.Of(parsed.GetRequiredValue(Endpoints).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        RpcException? unreachable = null;
        foreach (var endpoint in endpoints.List)
        {
            try
            {
                await call(new Shards.ShardsClient(endpoints.Connection(endpoint)), DateTime.UtcNow + CommandTimeout);
                return 0;
            }
            catch (RpcException error) when (error.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                unreachable = error;
            }
            catch (RpcException error)
            {
                await Console.Error.WriteLineAsync($"Error: {error.Status.Detail}");
                return ErrorExitCode;
            }
        }
        await Console.Error.WriteLineAsync($"Error: {unreachable?.Status.Detail}");
        return ErrorExitCode;
    }
}
