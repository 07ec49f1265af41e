using System.Globalization;
using System.IO.Compression;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests.Packaging;

/// <summary>
/// The packages, installed the .NET way in a temporary directory: <c>dotnet pack</c> makes the tool
/// <c>LeNetOnnx.Cli</c> and the library <c>LeNetOnnx.Runtime</c> (with its README, XML docs and
/// symbols) into a local feed; <c>dotnet tool install --tool-path</c> installs <c>lenet</c> from it,
/// which answers <c>--help</c> and trains where the user stands; <c>samples/EmbedSample</c> builds
/// against the packed library and classifies an image.
/// </summary>
/// <remarks>
/// The packages get a version of their own (the one of Directory.Build.props with a unique
/// prerelease suffix), so NuGet's global folder never hands back an earlier build of the same
/// version; the test removes them from that folder afterwards. Builds go to a temporary artifacts
/// path, never to the repository's bin and obj.
/// </remarks>
[TestClass]
[TestCategory("Packages")]
public sealed class PackageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private readonly TemporaryDirectory temporary = new();

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    [TestMethod]
    public void Packages_InstallAsAToolAndALibrary_AndWork()
    {
        RealFashionMnist.Require();
        string version = $"{ProjectVersion()}-test.{DateTime.UtcNow:yyyyMMddHHmmss}{Environment.ProcessId}";
        string feed = temporary.File("feed");
        string build = temporary.File("build");
        try
        {
            foreach (string project in new[] { "Cli/LeNetOnnx.Cli.csproj", "Runtime/LeNetOnnx.Runtime.csproj" })
            {
                Dotnet(RepositoryRoot.Path, "pack", RepositoryRoot.Combine(project), "-c", "Release", "-o", feed, "--artifacts-path", build, $"-p:Version={version}", "-v", "q", "--nologo");
            }

            // The library's package: README, XML docs, symbols beside it.
            using (ZipArchive runtime = ZipFile.OpenRead(Path.Combine(feed, $"LeNetOnnx.Runtime.{version}.nupkg")))
            {
                string[] entries = [.. runtime.Entries.Select(e => e.FullName)];
                CollectionAssert.Contains(entries, "README.md");
                CollectionAssert.Contains(entries, "lib/net10.0/LeNetOnnx.Runtime.dll");
                CollectionAssert.Contains(entries, "lib/net10.0/LeNetOnnx.Runtime.xml");
            }

            Assert.IsTrue(File.Exists(Path.Combine(feed, $"LeNetOnnx.Runtime.{version}.snupkg")), "the symbols package");

            // The tool, installed into a directory of its own.
            string tools = temporary.File("tools");
            Dotnet(temporary.Path, "tool", "install", "--tool-path", tools, "--add-source", feed, "--version", version, "LeNetOnnx.Cli");
            string lenet = Path.Combine(tools, "lenet");
            (int code, string output, string error) = Run(temporary.Path, lenet, "--help");
            Assert.AreEqual(0, code, error);
            StringAssert.Contains(output, "train");
            StringAssert.Contains(output, "serve");

            // It trains where the user stands: data found on the system, run directory and model under the current directory.
            string user = temporary.File("user");
            Directory.CreateDirectory(user);
            string[] toolFiles = [.. Directory.EnumerateFileSystemEntries(tools, "*", SearchOption.AllDirectories)];
            (code, output, error) = Run(user, lenet, "train", "--recipe", "d2l", "--epochs", "1", "--train-limit", "512");
            Assert.AreEqual(0, code, output + error);
            StringAssert.Contains(output, "test accuracy");
            Assert.IsTrue(File.Exists(Path.Combine(user, "runs", "d2l", "checkpoint.lnck")), output);
            Assert.IsTrue(File.Exists(Path.Combine(user, "models", "lenet-classic.onnx")), output);
            CollectionAssert.AreEquivalent(toolFiles, Directory.EnumerateFileSystemEntries(tools, "*", SearchOption.AllDirectories).ToArray(), "nothing is written into the tool's folder");

            // The sample, built against the packed library from the feed.
            Dotnet(RepositoryRoot.Path, "build", RepositoryRoot.Combine("samples", "EmbedSample", "LeNetOnnx.EmbedSample.csproj"), "--artifacts-path", build, $"-p:LeNetRuntimeVersion={version}", $"-p:RestoreAdditionalProjectSources={feed}", "-v", "q", "--nologo");
            string sample = Directory.EnumerateFiles(Path.Combine(build, "bin"), "EmbedSample.dll", SearchOption.AllDirectories).Single();
            string[] references = [.. File.ReadAllLines(Path.ChangeExtension(sample, ".deps.json")).Where(l => l.Contains("LeNetOnnx.Runtime/", StringComparison.Ordinal))];
            Assert.IsTrue(references.Any(l => l.Contains(version, StringComparison.Ordinal)), "the sample must take the package, not the project: " + string.Join(" ", references));
            (code, output, error) = Run(user, "dotnet", sample, RepositoryRoot.Combine("models", "lenet-classic.onnx"), Path.Combine(LeNetOnnx.Trainer.Data.FashionMnist.DebianDirectory, "t10k-images-idx3-ubyte.gz"), "0");
            Assert.AreEqual(0, code, output + error);
            StringAssert.Contains(output, "\nAnkle boot (label 9), probability");
        }
        finally
        {
            // This version's packages in NuGet's global folder.
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            foreach (string id in new[] { "lenetonnx.cli", "lenetonnx.runtime" })
            {
                string folder = Path.Combine(packages, id, version);
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }

    /// <summary>The one version of the repository's packages: Directory.Build.props' Version.</summary>
    private static string ProjectVersion()
    {
        string props = File.ReadAllText(RepositoryRoot.Combine("Directory.Build.props"));
        int start = props.IndexOf("<Version>", StringComparison.Ordinal) + "<Version>".Length;
        return props[start..props.IndexOf("</Version>", start, StringComparison.Ordinal)];
    }

    private static void Dotnet(string directory, params string[] arguments)
    {
        (int code, string output, string error) = Run(directory, "dotnet", arguments);
        Assert.AreEqual(0, code, $"dotnet {string.Join(' ', arguments)}:\n{output}{error}");
    }

    // A child dotnet must not take this test host's MSBuild settings.
    private static (int Code, string Output, string Error) Run(string directory, string program, params string[] arguments) =>
        ChildProcess.Run(program, arguments, directory, Patience, "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath");
}
