namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>The HTTP/2 frame types the authority rewriter tells apart (RFC 9113 §6); all others it forwards untouched.</summary>
internal enum Http2FrameType : byte
{
    Headers = 0x1,
    Continuation = 0x9,
}
