using System.CommandLine;
using GrainKv.Bench;

// Ctrl+C cancels the run's token; the runner stops issuing requests and reports what completed. The timeout is
// the grace before System.CommandLine gives up waiting for that report and exits with 130.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(5) };
return await BenchCommandLine.Create().Parse(args).InvokeAsync(invocation);
