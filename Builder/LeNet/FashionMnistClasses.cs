namespace LeNetOnnx.Builder.LeNet;

/// <summary>The ten Fashion-MNIST class names, in label order.</summary>
public static class FashionMnistClasses
{
    /// <summary>Label i is <c>Names[i]</c>.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];
}
