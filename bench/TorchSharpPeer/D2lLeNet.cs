using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeNetOnnx.TorchSharpPeer;

/// <summary>
/// LeNet-5 as the d2l chapter writes it (sigmoid, average pooling, padding 2 on the first
/// convolution), with the parameter names of our classic variant so that its initial weights load.
/// </summary>
internal sealed class D2lLeNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d c1 = nn.Conv2d(1, 6, 5, padding: 2);
    private readonly Conv2d c3 = nn.Conv2d(6, 16, 5);
    private readonly Linear f5 = nn.Linear(16 * 5 * 5, 120);
    private readonly Linear f6 = nn.Linear(120, 84);
    private readonly Linear @out = nn.Linear(84, 10);

    public D2lLeNet()
        : base(nameof(D2lLeNet))
    {
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        Tensor x = nn.functional.avg_pool2d(nn.functional.sigmoid(c1.forward(input)), 2, 2);
        x = nn.functional.avg_pool2d(nn.functional.sigmoid(c3.forward(x)), 2, 2);
        x = x.flatten(1);
        x = nn.functional.sigmoid(f5.forward(x));
        x = nn.functional.sigmoid(f6.forward(x));
        return @out.forward(x);
    }

    /// <summary>Copies every parameter from <paramref name="weights"/> (by name, e.g. <c>c1.weight</c>), checking shapes.</summary>
    public void Load(IReadOnlyDictionary<string, float[]> weights)
    {
        using IDisposable noGrad = no_grad();
        foreach ((string name, Parameter parameter) in named_parameters())
        {
            if (!weights.TryGetValue(name, out float[]? values) || values.Length != parameter.numel())
            {
                throw new InvalidDataException($"the initial model has no '{name}' of {parameter.numel()} values");
            }

            using Tensor source = tensor(values, parameter.shape);
            parameter.copy_(source);
        }
    }
}
