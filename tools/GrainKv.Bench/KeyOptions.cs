using System.CommandLine;

namespace GrainKv.Bench;

/// <summary>The options that shape the keys a workload uses (see <see cref="KeySource"/>).</summary>
public sealed class KeyOptions
{
    private readonly Option<int> _keySize = new Option<int>("--key-size")
    {
        Description = "Key length in bytes",
        DefaultValueFactory = _ => 8,
    }.AtLeast(1);

    private readonly Option<long> _keySpace = new Option<long>("--key-space")
    {
        Description = "Keys are drawn uniformly from this many keys; 1 = the same key every time",
        DefaultValueFactory = _ => 1,
    }.AtLeast(1);

    private readonly Option<bool> _sequential = new("--sequential-keys")
    {
        Description = "Use keys in order (request number modulo --key-space) instead of at random",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_keySize);
        command.Options.Add(_keySpace);
        command.Options.Add(_sequential);
    }

    public (KeySource? Source, string? Error) Read(ParseResult parsed) =>
        KeySource.Create(parsed.GetValue(_keySize), parsed.GetValue(_keySpace), parsed.GetValue(_sequential));
}
