using System.CommandLine;
using System.Numerics;

namespace GrainKv.Bench;

/// <summary>Parse-time checks shared by the numeric options, so a bad value is a usage error before any connection opens.</summary>
public static class OptionRules
{
    public static Option<T> AtLeast<T>(this Option<T> option, T min)
        where T : struct, INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() < min)
            {
                result.AddError($"{option.Name} must be at least {min}");
            }
        });
        return option;
    }

    public static Option<T?> AtLeast<T>(this Option<T?> option, T min)
        where T : struct, INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T?>() is { } value && value < min)
            {
                result.AddError($"{option.Name} must be at least {min}");
            }
        });
        return option;
    }
}
