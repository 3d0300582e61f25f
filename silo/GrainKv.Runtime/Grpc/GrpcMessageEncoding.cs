using System.Text;

namespace GrainKv.Runtime.Grpc;

/// <summary>
/// The percent-encoding of <c>grpc-message</c>: every UTF-8 byte outside 0x20-0x7E, and '%' itself, becomes
/// %XX. Decoding leaves malformed escapes as they are, as the gRPC spec asks of receivers.
/// </summary>
public static class GrpcMessageEncoding
{
    public static string Encode(string message)
    {
        if (!NeedsEncoding(message))
        {
            return message;
        }

        byte[] utf8 = Encoding.UTF8.GetBytes(message);
        var encoded = new StringBuilder(utf8.Length * 3);
        foreach (byte b in utf8)
        {
            if (IsPlain(b))
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }

        return encoded.ToString();
    }

    public static string Decode(string encoded)
    {
        if (!encoded.Contains('%'))
        {
            return encoded;
        }

        byte[] input = Encoding.UTF8.GetBytes(encoded);
        int length = 0;
        for (int i = 0; i < input.Length; i++)
        {
            if (input[i] == (byte)'%' && i + 2 < input.Length && TryHex(input[i + 1], out int high) && TryHex(input[i + 2], out int low))
            {
                input[length++] = (byte)(high << 4 | low);
                i += 2;
            }
            else
            {
                input[length++] = input[i];
            }
        }

        return Encoding.UTF8.GetString(input, 0, length);
    }

    private const string HexDigits = "0123456789ABCDEF";

    private static bool IsPlain(byte b) => b is >= 0x20 and <= 0x7E && b != (byte)'%';

    private static bool NeedsEncoding(string message)
    {
        foreach (char c in message)
        {
            if (c > 0x7F || !IsPlain((byte)c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryHex(byte c, out int value)
    {
        value = c switch
        {
            >= (byte)'0' and <= (byte)'9' => c - '0',
            >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
            >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
