using GrainKv.Silo;

return await SiloCommandLine.Create(SiloHost.RunAsync).Parse(args).InvokeAsync();
