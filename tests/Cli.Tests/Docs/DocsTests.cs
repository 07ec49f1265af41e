using System.Text.RegularExpressions;
using LeNetOnnx.Cli.Tests.Serving;
using LeNetOnnx.Tests;

namespace LeNetOnnx.Cli.Tests.Docs;

/// <summary>
/// The README, docs/ and the packages' READMEs cannot drift from the product: every <c>./lenet</c> command of a
/// <c>sh</c> block runs and exits 0 (training on a short data limit, serving until it answers
/// <c>/healthz</c>), every <c>console</c> block prints what it shows, every C# block is a file
/// of <c>samples/</c> (which the build compiles), and a block that is not run says why in a
/// <c>&lt;!-- docs-test: not run ... --&gt;</c> line above it.
/// </summary>
[TestClass]
public sealed partial class DocsTests
{
    private const string NotRunMarker = "<!-- docs-test: not run";
    private readonly TemporaryDirectory temporary = new();

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    public TestContext TestContext { get; set; } = null!;

    public static IEnumerable<object[]> Pages =>
        new[] { "README.md", "Cli/README.md", "Runtime/README.md" }.Concat(Directory.EnumerateFiles(RepositoryRoot.Combine("docs"), "*.md").Select(p => Path.GetRelativePath(RepositoryRoot.Path, p)).Order(StringComparer.Ordinal))
            .Select(p => new object[] { p });

    [TestMethod]
    [DynamicData(nameof(Pages))]
    public async Task Commands_ShownAsRunnable_Run(string page)
    {
        RealFashionMnist.Require();
        string work = temporary.File("work");
        Directory.CreateDirectory(Path.Combine(work, "models"));
        foreach (string model in Directory.EnumerateFiles(RepositoryRoot.Combine("models")))
        {
            File.Copy(model, Path.Combine(work, "models", Path.GetFileName(model)));
        }

        // Read-only inputs the documented commands name by their repository paths (the npm digits).
        Directory.CreateSymbolicLink(Path.Combine(work, "tools"), RepositoryRoot.Combine("tools"));
        int ran = 0;
        foreach (Block block in BlocksOf(page).Where(b => b.Language is "sh" or "console"))
        {
            if (block.NotRunBecause is { } reason)
            {
                Assert.IsGreaterThan(10, reason.Length, $"{page}:{block.Line}: say why the block is not run");
                continue;
            }

            string[] lines = block.Text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (block.Language == "console")
                {
                    if (!line.StartsWith("$ ", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    string expected = string.Join('\n', lines.Skip(i + 1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal))).TrimEnd();
                    (int code, string output, string error) = RunLenet(work, Arguments(line[2..], page, block.Line));
                    Assert.AreEqual(0, code, $"{page}:{block.Line}: {line}\n{error}");
                    Assert.AreEqual(expected, string.Join('\n', output.TrimEnd().Split('\n').Select(l => l.TrimEnd())), $"{page}:{block.Line}: what `{line[2..]}` prints");
                    ran++;
                    continue;
                }

                string command = Comment().Replace(line, "").Trim();
                if (command.Length == 0)
                {
                    continue;
                }

                Assert.IsTrue(command.StartsWith("./lenet ", StringComparison.Ordinal), $"{page}:{block.Line}: `{command}` is not a lenet command; run it in a test and mark the block \"{NotRunMarker}: <which test runs it> -->\"");
                string[] arguments = Arguments(command, page, block.Line);
                if (arguments[0] == "serve")
                {
                    await ServeAsync(work, arguments);
                }
                else
                {
                    (int code, string output, string error) = RunLenet(work, arguments);
                    Assert.AreEqual(0, code, $"{page}:{block.Line}: {command}\n{output}{error}");
                }

                TestContext.WriteLine($"ran: {command}");
                ran++;
            }
        }

        TestContext.WriteLine($"{page}: {ran} commands run");
    }

    [TestMethod]
    [DynamicData(nameof(Pages))]
    public void CSharpBlocks_AreFilesOfSamples_WhichTheBuildCompiles(string page)
    {
        string[] sources = [.. Directory.EnumerateFiles(RepositoryRoot.Combine("samples"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)];
        foreach (Block block in BlocksOf(page).Where(b => b.Language is "csharp" or "cs" or "c#"))
        {
            string shown = Normalized(block.Text);
            Assert.IsTrue(sources.Any(s => Normalized(s).Contains(shown, StringComparison.Ordinal)), $"{page}:{block.Line}: this C# block is in no file of samples/; put it in one (the build compiles them) and show it as it is there");
        }
    }

    [TestMethod]
    public void Readme_IsShortAndLinksOnlyToFilesThatExist()
    {
        string[] readme = File.ReadAllLines(RepositoryRoot.Combine("README.md"));
        Assert.IsLessThanOrEqualTo(250, readme.Length, "the README is the newcomer's five minutes; depth goes to docs/");
        foreach (object[] page in Pages)
        {
            string path = (string)page[0];
            string text = File.ReadAllText(RepositoryRoot.Combine(path));
            foreach (Match link in MarkdownLink().Matches(text))
            {
                string target = link.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal))
                {
                    continue;
                }

                string resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(RepositoryRoot.Combine(path))!, target));
                Assert.IsTrue(File.Exists(resolved) || Directory.Exists(resolved), $"{path}: the link to {target} leads nowhere");
            }
        }
    }

    [TestMethod]
    public void QuickStart_PrintsALabel()
    {
        string sample = Path.Combine(RepositoryRoot.Combine("samples", "QuickStart", "bin"), "Debug", "net10.0", "QuickStart.dll");
        Assert.IsTrue(File.Exists(sample), "the solution build builds samples/QuickStart");
        (int code, string output, string error) = Run(RepositoryRoot.Path, "dotnet", [sample, RepositoryRoot.Combine("models", "lenet-classic.onnx")]);
        Assert.AreEqual(0, code, error);
        StringAssert.Matches(output.Trim(), new Regex(@"^\S.* \(0\.\d{3}\)$"));
    }

    /// <summary>A documented command's arguments, made short and local: training on 512 images for one epoch.</summary>
    private static string[] Arguments(string command, string page, int line)
    {
        string[] words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual("./lenet", words[0], $"{page}:{line}");
        Assert.IsFalse(words.Any(w => w.Contains('\'', StringComparison.Ordinal) || w.Contains('"', StringComparison.Ordinal) || w.Contains('$', StringComparison.Ordinal)), $"{page}:{line}: a runnable command without shell quoting or variables");
        List<string> arguments = [.. words.Skip(1)];
        if (arguments[0] == "train")
        {
            Set(arguments, "--train-limit", "512");
            Set(arguments, "--epochs", "1");
        }

        return [.. arguments];
    }

    private static void Set(List<string> arguments, string option, string value)
    {
        int at = arguments.IndexOf(option);
        if (at >= 0)
        {
            arguments[at + 1] = value;
        }
        else
        {
            arguments.AddRange([option, value]);
        }
    }

    private static async Task ServeAsync(string work, string[] arguments)
    {
        int model = Array.IndexOf(arguments, "--model");
        Assert.IsGreaterThanOrEqualTo(0, model, "a documented serve names its model");
        string[] rest = [.. arguments.Where((_, i) => i != 0 && i != model && i != model + 1)];
        await using ServeProcess server = await ServeProcess.StartAsync(Path.Combine(work, arguments[model + 1]), rest);
        using var client = new HttpClient { BaseAddress = server.Url };
        using HttpResponseMessage health = await client.GetAsync("/healthz");
        Assert.IsTrue(health.IsSuccessStatusCode);
    }

    private static (int Code, string Output, string Error) RunLenet(string directory, string[] arguments) =>
        Run(directory, "dotnet", ["exec", typeof(LenetApp).Assembly.Location, .. arguments]);

    private static (int Code, string Output, string Error) Run(string directory, string program, string[] arguments) =>
        ChildProcess.Run(program, arguments, directory, TimeSpan.FromMinutes(3));

    private static string Normalized(string code) => string.Join('\n', code.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    /// <summary>The fenced blocks of a page with their language, first line and the reason given for not running them.</summary>
    private static List<Block> BlocksOf(string page)
    {
        string[] lines = File.ReadAllLines(RepositoryRoot.Combine(page));
        var blocks = new List<Block>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            string language = lines[i][3..].Trim();
            int end = Array.FindIndex(lines, i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            Assert.IsGreaterThan(i, end, $"{page}:{i + 1}: an unclosed code block");
            string? reason = i > 0 && lines[i - 1].StartsWith(NotRunMarker, StringComparison.Ordinal)
                ? lines[i - 1][NotRunMarker.Length..].Trim().TrimStart(':').Replace("-->", "", StringComparison.Ordinal).Trim()
                : null;
            blocks.Add(new Block(language, i + 1, string.Join('\n', lines[(i + 1)..end]), reason));
            i = end;
        }

        return blocks;
    }

    [GeneratedRegex(@"\s+#\s.*$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    private sealed record Block(string Language, int Line, string Text, string? NotRunBecause);
}
