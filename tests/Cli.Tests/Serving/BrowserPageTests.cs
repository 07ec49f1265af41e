using System.Globalization;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Tests;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;
using OpenQA.Selenium.Support.UI;
using SkiaSharp;

namespace LeNetOnnx.Cli.Tests.Serving;

/// <summary>
/// The page of a real <c>lenet serve</c> in headless Chromium (Debian's chromium and
/// chromium-driver, which the install script installs): a picture uploaded, a stroke drawn, a
/// test image clicked, the browser's own answer (ONNX Runtime Web) beside the server's, and
/// labels from the model shown as text. The screenshot is kept in TestResults/page.png.
/// </summary>
[TestClass]
[TestCategory("Browser")]
public sealed class BrowserPageTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TemporaryDirectory temporary = new();

    [TestCleanup]
    public void RemoveDirectory() => temporary.Dispose();

    [TestMethod]
    public async Task Page_ClassifiesAPictureADrawingAndATestImage_InTheServerAndInTheBrowser()
    {
        RealFashionMnist.Require();
        await using ServeProcess server = await ServeProcess.StartAsync(RepositoryRoot.Combine("models", "lenet-classic.onnx"));
        using ChromeDriver browser = StartBrowser();
        var wait = new WebDriverWait(browser, Patience);
        browser.Navigate().GoToUrl(server.Url);
        wait.Until(d => d.FindElement(By.Id("model")).Text.Contains("LeNet-5 'classic'", StringComparison.Ordinal));

        // A picture: the first test image (an ankle boot) as a PNG, enlarged.
        string png = temporary.File("boot.png");
        WritePng(RealFashionMnist.Test().Image(0), png);
        browser.FindElement(By.Id("file")).SendKeys(png);
        WaitForAnswer(wait, 1);
        Assert.AreEqual("Ankle boot", browser.FindElement(By.Id("server")).GetAttribute("data-label"));
        double difference = WaitForDifference(browser, wait);
        Assert.IsLessThanOrEqualTo(1e-5, difference, "ONNX Runtime Web's logits against the server's");
        StringAssert.Contains(browser.FindElement(By.Id("browser")).Text, "Ankle boot");

        // A stroke on the drawing pad: an answer appears for it.
        browser.FindElement(By.Id("clear")).Click();
        IWebElement pad = browser.FindElement(By.Id("pad"));
        new Actions(browser).MoveToElement(pad, -60, -80).ClickAndHold().MoveByOffset(0, 60).MoveByOffset(0, 60).MoveByOffset(0, 40).Release().Perform();
        WaitForAnswer(wait, 2);

        // A test image of the gallery.
        IWebElement sample = wait.Until(d => d.FindElements(By.CssSelector("#gallery button")).FirstOrDefault());
        sample.Click();
        WaitForAnswer(wait, 3);
        StringAssert.Contains(browser.FindElement(By.Id("conversion")).Text, "the pixels as given");
        Assert.AreEqual("Ankle boot", browser.FindElement(By.Id("server")).GetAttribute("data-label"));

        string results = RepositoryRoot.Combine("TestResults");
        Directory.CreateDirectory(results);
        browser.GetScreenshot().SaveAsFile(Path.Combine(results, "page.png"));
        LogEntry[] errors = [.. browser.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level == LogLevel.Severe)];
        Assert.IsEmpty(errors, "the browser console has errors: " + string.Join(" | ", errors.Select(e => e.Message)));
    }

    [TestMethod]
    public async Task Page_ShowsLabelsFromTheModelAsText()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        string model = temporary.File("hostile.onnx");
        string[] labels = [hostile, .. Enumerable.Range(1, 9).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        File.WriteAllBytes(model, LeNet5.Build(LeNetVariants.Classic, labels: labels).ToOnnxBytes());
        await using ServeProcess server = await ServeProcess.StartAsync(model);
        using ChromeDriver browser = StartBrowser();
        var wait = new WebDriverWait(browser, Patience);
        browser.Navigate().GoToUrl(server.Url);
        IWebElement description = wait.Until(d => d.FindElement(By.Id("model")).Text.Contains("classes:", StringComparison.Ordinal) ? d.FindElement(By.Id("model")) : null);
        StringAssert.Contains(description.Text, hostile);
        Assert.IsEmpty(browser.FindElements(By.CssSelector("#model img, img[src='x']")));
        Assert.ThrowsExactly<NoAlertPresentException>(() => browser.SwitchTo().Alert());
    }

    [TestMethod]
    public async Task TrainTab_TrainsInAWorker_AsNodeDoes_AndTheModelLoadsInCSharp()
    {
        RealFashionMnist.Require();
        await using ServeProcess server = await ServeProcess.StartAsync(RepositoryRoot.Combine("models", "lenet-classic.onnx"));
        string downloads = temporary.File("downloads");
        Directory.CreateDirectory(downloads);
        using ChromeDriver browser = StartBrowser(downloads);
        var wait = new WebDriverWait(browser, Patience);
        browser.Navigate().GoToUrl(server.Url);
        browser.FindElement(By.Id("tab-train")).Click();
        Assert.IsTrue((bool)((IJavaScriptExecutor)browser).ExecuteScript("return self.crossOriginIsolated;")!, "the page is cross-origin isolated, so the worker trains on WebAssembly threads");
        wait.Until(d => d.FindElements(By.CssSelector("#train-recipe option[value='keras']")).Count == 1);
        browser.FindElement(By.CssSelector("#train-recipe option[value='keras']")).Click();
        SetNumber(browser, "train-images", 1_024);
        SetNumber(browser, "train-epochs", 2);
        browser.FindElement(By.Id("train-start")).Click();
        try
        {
            new WebDriverWait(browser, TimeSpan.FromMinutes(3)).Until(d => d.FindElement(By.Id("train-status")).GetAttribute("data-done") is { } done
                ? done == "finished" ? true : throw new AssertFailedException(d.FindElement(By.Id("train-status")).Text)
                : false);
        }
        catch (WebDriverTimeoutException)
        {
            Assert.Fail($"Training did not finish in 3 minutes; the page says: {browser.FindElement(By.Id("train-status")).Text} Console: {string.Join(" | ", browser.Manage().Logs.GetLog(LogType.Browser).Select(e => e.Message))}");
        }
        Assert.AreEqual("32", browser.FindElement(By.Id("train-chart")).GetAttribute("data-steps"));
        string[] browserSteps = File.ReadAllLines(Download(browser, wait, "train-steps", downloads, "steps.csv"));
        byte[] model = File.ReadAllBytes(Download(browser, wait, "train-download", downloads, "lenet-keras-browser.onnx"));

        // Node on the same artifacts and images.
        string artifacts = temporary.File("artifacts");
        Assert.AreEqual(0, CliRun.Of("artifacts", "--recipe", "keras", "-o", artifacts).ExitCode);
        (int code, string output, string error) = NodeRuntime.RunTool("train.mjs", "--artifacts", artifacts, "--epochs", "2", "--train-limit", "1024", "--run-dir", temporary.File("node"));
        Assert.AreEqual(0, code, output + error);
        string[] nodeSteps = File.ReadAllLines(Path.Combine(temporary.File("node"), "steps.csv"));
        Assert.HasCount(33, nodeSteps);
        Assert.HasCount(nodeSteps.Length, browserSteps);
        for (int i = 1; i < nodeSteps.Length; i++)
        {
            string[] n = nodeSteps[i].Split(','), b = browserSteps[i].Split(',');
            Assert.AreEqual(string.Join(',', n.Where((_, k) => k != 4)), string.Join(',', b.Where((_, k) => k != 4)), $"step {i}: step, epoch, batch, examples, correct, rate");
            float expected = float.Parse(n[4], CultureInfo.InvariantCulture), actual = float.Parse(b[4], CultureInfo.InvariantCulture);
            Assert.AreEqual(expected, actual, 1e-6f * Math.Abs(expected), $"loss of step {i}");
        }

        using LeNetOnnx.Runtime.LeNetClassifier classifier = LeNetOnnx.Runtime.LeNetClassifier.FromBytes(model);
        Assert.AreEqual("tanh-max", classifier.Variant);
        StringAssert.StartsWith(classifier.Metadata["lenet.trained_by"], "the page's Train tab, onnxruntime-web");
        Assert.AreEqual("2", classifier.Metadata["lenet.epochs"]);

        // Classify with it on the page.
        browser.FindElement(By.Id("train-use")).Click();
        string results = RepositoryRoot.Combine("TestResults");
        Directory.CreateDirectory(results);
        browser.GetScreenshot().SaveAsFile(Path.Combine(results, "train-tab.png"));
        browser.FindElement(By.Id("tab-classify")).Click();
        wait.Until(d => d.FindElements(By.CssSelector("#gallery button")).FirstOrDefault())!.Click();
        WaitForAnswer(wait, 1);
        wait.Until(d => d.FindElement(By.Id("browser-status")).Text.Contains("trained on this page", StringComparison.Ordinal));

        // Stopped early in an epoch of all 60,000 images, its checkpoint is one `lenet train` continues.
        browser.FindElement(By.Id("tab-train")).Click();
        SetNumber(browser, "train-images", 60_000);
        SetNumber(browser, "train-epochs", 1);
        browser.FindElement(By.Id("train-start")).Click();
        wait.Until(d => int.Parse(d.FindElement(By.Id("train-chart")).GetAttribute("data-steps") ?? "0", CultureInfo.InvariantCulture) >= 3);
        browser.FindElement(By.Id("train-stop")).Click();
        wait.Until(d => d.FindElement(By.Id("train-status")) is var status && status.GetAttribute("data-done") is { } done
            ? done == "stopped" ? true : throw new AssertFailedException($"{done}: {status.Text}")
            : false);
        StringAssert.StartsWith(browser.FindElement(By.Id("train-status")).Text, "Stopped after");
        string run = temporary.File("run");
        Directory.CreateDirectory(run);
        File.Move(Download(browser, wait, "train-checkpoint", downloads, "checkpoint.lnck"), Path.Combine(run, "checkpoint.lnck"));
        string finished = temporary.File("finished.onnx");
        string command = browser.FindElement(By.Id("train-resume")).Text;
        Assert.AreEqual("lenet train --recipe keras --epochs 1 --batch-size 64 --train-limit 60000 --replicas 1 --run-dir RUN_DIR --resume", command);
        CliRun resumed = CliRun.Of([.. command.Replace("RUN_DIR", run, StringComparison.Ordinal).Split(' ').Skip(1), "-o", finished]);
        Assert.AreEqual(0, resumed.ExitCode, resumed.Error);
        using LeNetOnnx.Runtime.LeNetClassifier continued = LeNetOnnx.Runtime.LeNetClassifier.Load(finished);
        Assert.IsGreaterThan(0.75, double.Parse(continued.Metadata["lenet.test_accuracy"], CultureInfo.InvariantCulture), "Keras' LeNet after one epoch");

        LogEntry[] errors = [.. browser.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level == LogLevel.Severe)];
        Assert.IsEmpty(errors, "the browser console has errors: " + string.Join(" | ", errors.Select(e => e.Message)));
    }

    private static void SetNumber(IWebDriver browser, string id, int value)
    {
        IWebElement input = browser.FindElement(By.Id(id));
        input.Clear();
        input.SendKeys(value.ToString(CultureInfo.InvariantCulture));
    }

    // Clicks a download link and waits for the whole file in the download directory.
    private static string Download(IWebDriver browser, WebDriverWait wait, string id, string directory, string name)
    {
        browser.FindElement(By.Id(id)).Click();
        string path = Path.Combine(directory, name);
        wait.Until(_ => File.Exists(path) && !Directory.EnumerateFiles(directory, "*.crdownload").Any());
        return path;
    }

    private static ChromeDriver StartBrowser(string? downloads = null)
    {
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
        {
            Prerequisite.Missing($"Chromium is not installed ({Chromium}, {ChromeDriver}): apt-get install chromium chromium-driver.");
        }

        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,1400");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        if (downloads is not null)
        {
            options.AddUserProfilePreference("download.default_directory", downloads);
            options.AddUserProfilePreference("download.prompt_for_download", false);
        }

        ChromeDriverService service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, Patience);
    }

    // Waits until the page has shown its answer number `count`; a refusal fails with its message.
    private static void WaitForAnswer(WebDriverWait wait, int count)
    {
        wait.Until(d =>
        {
            IWebElement conversion = d.FindElement(By.Id("conversion"));
            return conversion.Text.StartsWith("Could not", StringComparison.Ordinal)
                ? throw new AssertFailedException(conversion.Text)
                : conversion.GetAttribute("data-answered") == count.ToString(CultureInfo.InvariantCulture);
        });
    }

    private static double WaitForDifference(IWebDriver browser, WebDriverWait wait)
    {
        string value = wait.Until(d =>
        {
            string? status = d.FindElement(By.Id("browser-status")).Text;
            if (status.StartsWith("The in-browser mode is unavailable", StringComparison.Ordinal))
            {
                throw new AssertFailedException(status);
            }

            return d.FindElement(By.Id("difference")).GetAttribute("data-difference");
        })!;
        return double.Parse(value, CultureInfo.InvariantCulture);
    }

    // The 28x28 image drawn 8 times larger, as a user's picture would be.
    private static void WritePng(ReadOnlySpan<byte> image, string path)
    {
        using var bitmap = new SKBitmap(224, 224, SKColorType.Gray8, SKAlphaType.Opaque);
        for (int y = 0; y < 224; y++)
        {
            for (int x = 0; x < 224; x++)
            {
                byte v = image[((y / 8) * 28) + (x / 8)];
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        }

        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
