using System.Net;
using System.Net.Sockets;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests.BadInput;

/// <summary>
/// The world one row runs in: a fresh directory and, when the row's text asks for them, a full
/// disk, a read-only directory, a valid model, a Fashion-MNIST directory or a port in use. A row
/// names them with tokens that <see cref="Resolve"/> replaces:
/// <list type="bullet">
/// <item><c>{dir}</c>: the row's own empty directory;</item>
/// <item><c>{full}</c>: a tiny tmpfs that is full (ENOSPC) once the row's files are in it;</item>
/// <item><c>{readonly}</c>: a directory nothing can be written to (a read-only tmpfs as root, mode 0555 otherwise);</item>
/// <item><c>{model}</c>: a valid untrained LeNet-5 'classic' model;</item>
/// <item><c>{data}</c>: a Fashion-MNIST directory whose four files link to Debian's, until a row replaces one;</item>
/// <item><c>{debian}</c>: Debian's Fashion-MNIST directory itself;</item>
/// <item><c>{busy-port}</c>: a loopback port another socket listens on.</item>
/// </list>
/// </summary>
internal sealed class BadInputScene : IDisposable
{
    private const string DebianFashionMnist = LeNetOnnx.Trainer.Data.FashionMnist.DebianDirectory;

    private readonly TemporaryDirectory temporary = new();
    private TinyFileSystem? full;
    private TinyFileSystem? readOnlyMount;
    private string? readOnlyDirectory;
    private TcpListener? busy;

    public string Directory => temporary.Path;

    /// <summary>Replaces the tokens of <paramref name="text"/>, creating what they name on first use.</summary>
    public string Resolve(string text)
    {
        if (text.Contains("{full}", StringComparison.Ordinal))
        {
            full ??= TinyFileSystem.Mount(Path.Combine(Directory, "full"));
            text = text.Replace("{full}", full.Path, StringComparison.Ordinal);
        }

        if (text.Contains("{readonly}", StringComparison.Ordinal))
        {
            text = text.Replace("{readonly}", ReadOnlyDirectory(), StringComparison.Ordinal);
        }

        if (text.Contains("{model}", StringComparison.Ordinal))
        {
            string model = Path.Combine(Directory, "model.onnx");
            if (!File.Exists(model))
            {
                File.WriteAllBytes(model, BadFiles.UntrainedModel());
            }

            text = text.Replace("{model}", model, StringComparison.Ordinal);
        }

        if (text.Contains("{data}", StringComparison.Ordinal))
        {
            text = text.Replace("{data}", DataDirectory(), StringComparison.Ordinal);
        }

        if (text.Contains("{debian}", StringComparison.Ordinal))
        {
            RealFashionMnist.Require();
            text = text.Replace("{debian}", DebianFashionMnist, StringComparison.Ordinal);
        }

        if (text.Contains("{busy-port}", StringComparison.Ordinal))
        {
            if (busy is null)
            {
                busy = new TcpListener(IPAddress.Loopback, 0);
                busy.Start();
            }

            text = text.Replace("{busy-port}", ((IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return text.Replace("{dir}", Directory, StringComparison.Ordinal);
    }

    /// <summary>Writes a file the row needs (a symbolic link is replaced, not written through).</summary>
    public void Write(string path, byte[] contents)
    {
        string file = Resolve(path);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.Delete(file);
        File.WriteAllBytes(file, contents);
    }

    /// <summary>Turns the disks the row asked for full or read-only; call after writing the row's files.</summary>
    public void Seal()
    {
        full?.Fill();
        readOnlyMount?.MakeReadOnly();
        if (readOnlyDirectory is not null && readOnlyMount is null && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(readOnlyDirectory, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        }
    }

    /// <summary>Every file and directory below the scene (mounts included, the disk filler left out), relative, with each file's length and hash.</summary>
    public string[] Snapshot() => System.IO.Directory.GetFileSystemEntries(Directory, "*", SearchOption.AllDirectories)
        .Where(p => !(full is not null && p == Path.Combine(full.Path, "filler")))
        .Select(p => Path.GetRelativePath(Directory, p) + Describe(p))
        .Order(StringComparer.Ordinal)
        .ToArray();

    private static string Describe(string path) =>
        new FileInfo(path).LinkTarget is { } target ? " -> " + target
        : File.Exists(path) ? " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)))
        : "/";

    public void Dispose()
    {
        busy?.Dispose();
        full?.Dispose();
        readOnlyMount?.Dispose();
        if (readOnlyDirectory is not null && readOnlyMount is null && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(readOnlyDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        temporary.Dispose();
    }

    private string ReadOnlyDirectory()
    {
        if (readOnlyDirectory is null)
        {
            string path = Path.Combine(Directory, "readonly");

            // Root writes through file modes, so as root only a read-only mount stops a write.
            if (Environment.IsPrivilegedProcess)
            {
                readOnlyMount = TinyFileSystem.Mount(path);
            }
            else
            {
                System.IO.Directory.CreateDirectory(path);
            }

            readOnlyDirectory = path;
        }

        return readOnlyDirectory;
    }

    private string DataDirectory()
    {
        string data = Path.Combine(Directory, "data");
        if (!System.IO.Directory.Exists(data))
        {
            RealFashionMnist.Require();
            System.IO.Directory.CreateDirectory(data);
            foreach (string file in System.IO.Directory.GetFiles(DebianFashionMnist, "*-ubyte.gz"))
            {
                File.CreateSymbolicLink(Path.Combine(data, Path.GetFileName(file)), file);
            }
        }

        return data;
    }
}
