using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;

namespace GrainKv.Serialization;

public static class ProtobufSerializerBuilderExtensions
{
    /// <summary>
    /// Lets Google.Protobuf messages cross grain calls, on silos (<c>siloBuilder.Services.AddSerializer(...)</c>)
    /// and clients alike. Register it on both ends of a call.
    /// </summary>
    public static ISerializerBuilder AddProtobufMessages(this ISerializerBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<ProtobufMessageFamily>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISpecializableCodec, ProtobufMessageFamily>(sp => sp.GetRequiredService<ProtobufMessageFamily>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISpecializableCopier, ProtobufMessageFamily>(sp => sp.GetRequiredService<ProtobufMessageFamily>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ITypeFilter, ProtobufMessageFamily>(sp => sp.GetRequiredService<ProtobufMessageFamily>()));
        return builder;
    }
}
