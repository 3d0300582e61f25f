using BenchmarkDotNet.Running;

namespace GrainKv.Microbench;

public static class Program
{
    /// <summary>Pass BenchmarkDotNet's own arguments, e.g. <c>--filter '*'</c> or <c>--filter '*Mvcc*'</c>.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
