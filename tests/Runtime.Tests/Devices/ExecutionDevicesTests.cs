using LeNetOnnx.Tests;
using Microsoft.ML.OnnxRuntime;

namespace LeNetOnnx.Runtime.Tests.Devices;

/// <summary>
/// Device resolution in the build under test: CI runs these against both the CPU package and the
/// GPU package (on a machine without CUDA, so the provider cannot load).
/// </summary>
[TestClass]
[TestCategory("Device")]
public sealed class ExecutionDevicesTests
{
    [TestMethod]
    public void Resolve_Cpu_IsTheCpuWithoutAReason()
    {
        Assert.AreEqual(new DeviceChoice(ExecutionDevice.Cpu, null), ExecutionDevices.Resolve(ExecutionDevice.Cpu));
    }

    [TestMethod]
    public void Resolve_Auto_FallsBackToTheCpuNamingTheReason_OnlyWhenTheGpuBuildCannotUseCuda()
    {
        DeviceChoice choice = ExecutionDevices.Resolve(ExecutionDevice.Auto);
        if (CudaHere.Usable)
        {
            Assert.AreEqual(new DeviceChoice(ExecutionDevice.Cuda, null), choice);
        }
        else if (CudaHere.ProviderInBuild)
        {
            Assert.AreEqual(ExecutionDevice.Cpu, choice.Device);
            Assert.IsNotNull(choice.FallbackReason);
            Assert.DoesNotContain("\n", choice.FallbackReason);
            if (OperatingSystem.IsLinux())
            {
                // The dynamic loader's line, naming the first library that is missing.
                StringAssert.Matches(choice.FallbackReason, new System.Text.RegularExpressions.Regex(@"^(cuDNN 9 cannot be loaded: )?lib[\w.+-]+\.so[.\d]*: cannot open shared object file"));
            }
        }
        else
        {
            Assert.AreEqual(new DeviceChoice(ExecutionDevice.Cpu, null), choice, "the CPU package has nothing to fall back from");
        }
    }

    [TestMethod]
    public void Resolve_Cuda_ThrowsSayingWhatToInstall_WhenCudaCannotBeUsed()
    {
        if (CudaHere.Usable)
        {
            Assert.AreEqual(ExecutionDevice.Cuda, ExecutionDevices.Resolve(ExecutionDevice.Cuda).Device);
            return;
        }

        CudaUnavailableException e = Assert.ThrowsExactly<CudaUnavailableException>(() => ExecutionDevices.Resolve(ExecutionDevice.Cuda));
        Assert.AreEqual(CudaHere.ProviderInBuild, e.ProviderInBuild);
        StringAssert.StartsWith(e.Message, "CUDA cannot be used: " + e.Reason + ". ");
        Assert.DoesNotContain("\n", e.Message);
        if (e.ProviderInBuild)
        {
            StringAssert.Contains(e.Message, "CUDA 13.x and cuDNN 9.x");
            StringAssert.Contains(e.Message, "ONNX Runtime 1.32");
        }
        else
        {
            StringAssert.Contains(e.Message, "Microsoft.ML.OnnxRuntime.Gpu");
            StringAssert.Contains(e.Reason, "CPUExecutionProvider");
        }
    }

    [TestMethod]
    public void CudaRequirement_DescribesTheLoadedOnnxRuntimeVersion()
    {
        // The requirement is ONNX Runtime 1.32's; a version bump must revisit it.
        StringAssert.StartsWith(OrtEnv.Instance().GetVersionString(), ExecutionDevices.OnnxRuntimeVersion + ".");
    }

    [TestMethod]
    public void AddProvider_RefusesAuto()
    {
        using var options = new SessionOptions();
        Assert.ThrowsExactly<ArgumentException>(() => ExecutionDevices.AddProvider(options, ExecutionDevice.Auto));
    }

    [TestMethod]
    public void Resolve_RefusesAnUndefinedDevice()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ExecutionDevices.Resolve((ExecutionDevice)7));
    }

    [TestMethod]
    public void LoaderReason_KeepsTheDynamicLoadersLine()
    {
        const string message = "Unable to load shared library '/app/runtimes/linux-x64/native/libonnxruntime_providers_cuda.so' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG environment variable: \nlibcublasLt.so.13: cannot open shared object file: No such file or directory\n";
        Assert.AreEqual("libcublasLt.so.13: cannot open shared object file: No such file or directory", CudaCheck.LoaderReason(message));
        Assert.AreEqual("something else went wrong", CudaCheck.LoaderReason("something else\nwent wrong."));
    }

    [TestMethod]
    public void SessionReason_DropsOnnxRuntimesErrorCode()
    {
        Assert.AreEqual(
            "CUDA could not start: CUDA failure 100: no CUDA-capable device is detected",
            CudaCheck.SessionReason("[ErrorCode:RuntimeException] CUDA failure 100: no CUDA-capable device is detected\n"));
    }

    [TestMethod]
    public void IdentityModel_IsAModelOnnxRuntimeRuns()
    {
        using var session = new InferenceSession(CudaCheck.IdentityModel());
        using var input = OrtValue.CreateTensorValueFromMemory(new[] { 3.5f }, [1]);
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        Assert.AreEqual(3.5f, outputs[0].GetTensorDataAsSpan<float>()[0]);
    }

    [TestMethod]
    public void Classifier_OnAuto_RunsWhereResolveSays_AndOnCudaThrowsTheDocumentedException()
    {
        byte[] model = TestModels.Classic;
        using LeNetClassifier auto = LeNetClassifier.FromBytes(model, new LeNetClassifierOptions { Device = ExecutionDevice.Auto });
        DeviceChoice expected = ExecutionDevices.Resolve(ExecutionDevice.Auto);
        Assert.AreEqual(expected.Device, auto.Device);
        Assert.AreEqual(expected.FallbackReason, auto.DeviceFallbackReason);
        Assert.AreEqual(auto.Device == ExecutionDevice.Cpu, auto.FirstLayerRewritten, "the first layer is rewritten on the CPU only");
        if (!CudaHere.Usable)
        {
            Assert.ThrowsExactly<CudaUnavailableException>(() => LeNetClassifier.FromBytes(model, new LeNetClassifierOptions { Device = ExecutionDevice.Cuda }));
        }
    }
}
