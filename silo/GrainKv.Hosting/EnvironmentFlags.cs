using System.CommandLine;
using System.Globalization;

namespace GrainKv.Hosting;

/// <summary>
/// Flags of GrainKv's executables. Each flag <c>--some-flag</c> can also be given as the environment
/// variable <c>GRAINKV_SOME_FLAG</c>; a flag on the command line wins over the environment.
/// </summary>
public static class EnvironmentFlags
{
    /// <summary>GRAINKV_ plus the flag name in upper snake case: --data-dir is GRAINKV_DATA_DIR.</summary>
    public static string EnvironmentVariableFor(string flag) =>
        "GRAINKV_" + flag.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    /// <summary>A flag whose default is its environment variable, else <paramref name="fallback"/>.</summary>
    public static Option<T> Flag<T>(string flag, string description, T fallback)
    {
        var variable = EnvironmentVariableFor(flag);
        return new Option<T>(flag)
        {
            Description = $"{description} [env {variable}]",
            DefaultValueFactory = result =>
            {
                var fromEnvironment = Environment.GetEnvironmentVariable(variable);
                if (string.IsNullOrEmpty(fromEnvironment)) return fallback;
                try
                {
                    return (T)Convert.ChangeType(fromEnvironment, typeof(T), CultureInfo.InvariantCulture);
                }
                catch (FormatException)
                {
                    result.AddError($"{variable}={fromEnvironment} is not a valid value for {flag}.");
                    return fallback;
                }
            },
        };
    }

    /// <summary>A comma-separated list of URLs, as etcd's URL flags take them.</summary>
    public static IReadOnlyList<Uri> Urls(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u)).ToArray();

    public static string Join(IEnumerable<Uri> urls) => string.Join(',', urls.Select(u => u.ToString().TrimEnd('/')));
}
