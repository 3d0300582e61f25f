using GrainKv.Snapshot;

return await SnapshotCommandLine.Create().Parse(args).InvokeAsync();
