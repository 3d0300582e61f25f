namespace GrainKv.Runtime.Grpc.Http2;

/// <summary>The flags of HEADERS and CONTINUATION frames (RFC 9113 §6.2, §6.10).</summary>
[Flags]
internal enum Http2FrameFlags : byte
{
    None = 0,
    EndStream = 0x1,
    EndHeaders = 0x4,
    Padded = 0x8,
    Priority = 0x20,
}
