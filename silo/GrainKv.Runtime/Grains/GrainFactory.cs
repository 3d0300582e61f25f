using System.Globalization;
using System.Reflection;

namespace GrainKv.Runtime;

internal sealed class GrainFactory(GrainTypeRegistry registry, GrainCallRouter router) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey =>
        CreateReference<TGrainInterface>(key);

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey =>
        CreateReference<TGrainInterface>(key.ToString(CultureInfo.InvariantCulture));

    private TGrainInterface CreateReference<TGrainInterface>(string key)
    {
        var grainInterface = registry.GetInterface(typeof(TGrainInterface));
        var proxy = DispatchProxy.Create<TGrainInterface, GrainReference>();
        ((GrainReference)(object)proxy!).Bind(new GrainId(grainInterface.Class.GrainType, key), grainInterface, router);
        return proxy;
    }
}
