using System.CommandLine;
using System.Globalization;
using GrainKv.MemberData;

namespace GrainKv.Snapshot;

/// <summary>
/// The commands, named and flagged as etcdctl 3.4's <c>snapshot status</c> and <c>snapshot restore</c>, for the
/// files <c>etcdctl snapshot save</c> writes from GrainKv. Exit code 0 on success, 1 on any error, the message on stderr.
/// </summary>
public static class SnapshotCommandLine
{
    private const int ErrorExitCode = 1;

    public static RootCommand Create()
    {
        var root = new RootCommand("Checks and restores GrainKv member snapshots (the files etcdctl snapshot save writes from GrainKv).");
        root.Subcommands.Add(CreateStatusCommand());
        root.Subcommands.Add(CreateRestoreCommand());
        return root;
    }

    private static Command CreateStatusCommand()
    {
        var file = new Argument<string>("file") { Description = "The snapshot file" };
        var writeOut = new Option<string>("--write-out", "-w")
        {
            Description = "set the output format (simple, table, json)",
            DefaultValueFactory = _ => StatusFormat.Simple,
        }.AcceptOnlyFromAmong(StatusFormat.Simple, StatusFormat.Table, StatusFormat.Json);
        var command = new Command("status", "Checks a snapshot file's integrity and prints its hash, revision, total keys and total size.") { file, writeOut };
        command.SetAction((parsed, _) => Refusable(() =>
        {
            var status = SnapshotStatus.Of(SnapshotFiles.Read(parsed.GetRequiredValue(file), checkHash: true));
            Console.Out.Write(StatusFormat.Print(status, parsed.GetRequiredValue(writeOut)));
            return Task.CompletedTask;
        }));
        return command;
    }

    private static Command CreateRestoreCommand()
    {
        // etcdctl 3.4's defaults, but for where the data goes: the silo's.
        var defaults = new StorageOptions();
        var file = new Argument<string>("file") { Description = "The snapshot file" };
        var name = Option("--name", "Human-readable name for this member", "default");
        var initialCluster = Option("--initial-cluster", "Initial cluster configuration for restore bootstrap", "default=http://localhost:2380");
        var token = Option("--initial-cluster-token", "Initial cluster token for the etcd cluster during restore bootstrap", "etcd-cluster");
        var advertisePeerUrls = Option("--initial-advertise-peer-urls", "List of this member's peer URLs to advertise to the rest of the cluster", "http://localhost:2380");
        var dataDir = Option("--data-dir", "Path to the data directory", defaults.DataDir);
        var storage = Option("--storage", "Where the silo keeps its Raft logs: 'sqlite' (in the data dir) or 'postgres' (--postgres-connection)", defaults.Kind)
            .AcceptOnlyFromAmong(SiloStorage.Sqlite, SiloStorage.Postgres);
        var postgresConnection = Option("--postgres-connection", "Npgsql connection string of the member's own PostgreSQL database, for --storage postgres", "");
        var skipHashCheck = new Option<bool>("--skip-hash-check") { Description = "Ignore snapshot integrity hash value" };
        var command = new Command("restore", "Restores a snapshot into a new member's data dir, as one member of a new cluster")
        {
            file, name, initialCluster, token, advertisePeerUrls, dataDir, storage, postgresConnection, skipHashCheck,
        };
        command.SetAction((parsed, ct) => Refusable(async () =>
        {
            var options = new RestoreOptions(
                parsed.GetRequiredValue(file), parsed.GetRequiredValue(name), parsed.GetRequiredValue(initialCluster),
                parsed.GetRequiredValue(token),
                parsed.GetRequiredValue(advertisePeerUrls).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                new StorageOptions
                {
                    Kind = parsed.GetRequiredValue(storage),
                    DataDir = parsed.GetRequiredValue(dataDir),
                    PostgresConnection = parsed.GetRequiredValue(postgresConnection),
                },
                parsed.GetValue(skipHashCheck));
            var (member, snapshot) = await SnapshotRestore.RunAsync(options, ct);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"restored snapshot {options.SnapshotPath} at revision {snapshot.Header.Revision} into {options.Storage.DataDir}: member {member.Self.Name} ({member.Self.Id:x16}) of cluster {member.ClusterId:x16}"));
        }));
        return command;
    }

    private static Option<string> Option(string flag, string description, string fallback) =>
        new(flag) { Description = description, DefaultValueFactory = _ => fallback };

    private static async Task<int> Refusable(Func<Task> run)
    {
        try
        {
            await run();
            return 0;
        }
        catch (SnapshotRefusedException e)
        {
            await Console.Error.WriteLineAsync($"Error: {e.Message}");
            return ErrorExitCode;
        }
    }
}
