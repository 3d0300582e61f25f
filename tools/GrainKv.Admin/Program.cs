using GrainKv.Admin;

return await AdminCommandLine.Create().Parse(args).InvokeAsync();
