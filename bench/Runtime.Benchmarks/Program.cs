using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Runtime.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(LeNetOnnx.Runtime.Benchmarks.ModelFile).Assembly).Run(args);
