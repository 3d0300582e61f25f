using GrainKv.Gateway;

return await GatewayCommandLine.Create(GatewayHost.RunAsync).Parse(args).InvokeAsync();
