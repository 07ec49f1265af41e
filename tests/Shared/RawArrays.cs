using System.Runtime.InteropServices;

namespace LeNetOnnx.Tests;

/// <summary>Raw little-endian arrays on disk, the exchange format of the Python and Node tools.</summary>
internal static class RawArrays
{
    public static void Write<T>(string path, T[] values)
        where T : unmanaged => File.WriteAllBytes(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static T[] Read<T>(string path)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(File.ReadAllBytes(path)).ToArray();
}
