namespace LeNetOnnx.Builder.LeNet;

/// <summary>
/// The names every LeNetOnnx inference model shares, so every runtime treats the variants alike.
/// </summary>
public static class LeNetContract
{
    /// <summary>The input: float32 <c>[N,1,28,28]</c>, pixel/255.</summary>
    public const string ImageInput = "image";

    /// <summary>The output: float32 <c>[N,10]</c> unnormalized class scores.</summary>
    public const string LogitsOutput = "logits";

    /// <summary>The output: float32 <c>[N,10]</c> softmax of the logits.</summary>
    public const string ProbabilitiesOutput = "probabilities";

    /// <summary>The symbolic batch dimension.</summary>
    public const string BatchSymbol = "N";

    /// <summary>Image side length in pixels.</summary>
    public const int ImageSize = 28;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Version of this contract, written as <c>lenet.contract</c>.</summary>
    public const string Version = "1";

    /// <summary>The input convention written as <c>lenet.input</c>.</summary>
    public const string InputConvention =
        "image: float32 [N,1,28,28], row-major 28x28 grey pixels divided by 255 (0 = black background, 1 = white ink, as in the IDX files)";

    /// <summary>Metadata keys.</summary>
    public static class Keys
    {
        /// <summary>The variant name.</summary>
        public const string Variant = "lenet.variant";

        /// <summary>The class labels, a JSON array of strings in label order.</summary>
        public const string Labels = "lenet.labels";

        /// <summary>The input convention.</summary>
        public const string Input = "lenet.input";

        /// <summary>What the graph does to the input before C1.</summary>
        public const string Preprocessing = "lenet.preprocessing";

        /// <summary>Trainable parameter count.</summary>
        public const string Parameters = "lenet.parameters";

        /// <summary>Seed of the initial weights.</summary>
        public const string Seed = "lenet.seed";

        /// <summary>Contract version.</summary>
        public const string Contract = "lenet.contract";
    }
}
