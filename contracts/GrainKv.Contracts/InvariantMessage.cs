using System.Runtime.CompilerServices;

namespace GrainKv;

/// <summary>The message of an <see cref="Invariant"/> check, built only when the check fails.</summary>
[InterpolatedStringHandler]
public ref struct InvariantMessage
{
    private DefaultInterpolatedStringHandler _builder;

    public InvariantMessage(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
    {
        shouldAppend = !condition;
        if (shouldAppend) _builder = new DefaultInterpolatedStringHandler(literalLength, formattedCount);
    }

    public void AppendLiteral(string value) => _builder.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _builder.AppendFormatted(value);

    internal string ToStringAndClear() => _builder.ToStringAndClear();
}
