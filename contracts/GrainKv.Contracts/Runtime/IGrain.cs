namespace GrainKv.Runtime;

/// <summary>Marks a grain interface: every method returns Task, Task&lt;T&gt;, ValueTask or ValueTask&lt;T&gt;.</summary>
public interface IGrain;
