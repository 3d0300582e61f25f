using System.Globalization;
using System.Reflection;

namespace GrainKv.Runtime;

/// <summary>Hands out grain references whose calls go to <c>sender</c>: a silo's router, or a cluster client's.</summary>
internal sealed class GrainFactory(Func<Type, GrainInterface> interfaces, IGrainCallSender sender) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey =>
        CreateReference<TGrainInterface>(key);

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey =>
        CreateReference<TGrainInterface>(key.ToString(CultureInfo.InvariantCulture));

    private TGrainInterface CreateReference<TGrainInterface>(string key)
    {
        var grainInterface = interfaces(typeof(TGrainInterface));
        var proxy = DispatchProxy.Create<TGrainInterface, GrainReference>();
        ((GrainReference)(object)proxy!).Bind(new GrainId(grainInterface.GrainType, key), grainInterface, sender);
        return proxy;
    }
}
