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

    private static ChromeDriver StartBrowser()
    {
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
        {
            Prerequisite.Missing($"Chromium is not installed ({Chromium}, {ChromeDriver}): apt-get install chromium chromium-driver.");
        }

        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,1400");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
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
