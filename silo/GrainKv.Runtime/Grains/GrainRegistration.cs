namespace GrainKv.Runtime;

/// <summary>One grain interface and the class that serves it.</summary>
internal readonly record struct GrainRegistration(Type Interface, Type Class);
