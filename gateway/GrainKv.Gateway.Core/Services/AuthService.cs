using Etcdserverpb;

namespace GrainKv.Gateway.Services;

/// <summary>etcdserverpb.Auth: on the wire so that each of its methods answers Unimplemented by name; auth is not built yet.</summary>
public sealed class AuthService : Auth.AuthBase;
