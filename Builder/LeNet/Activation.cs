namespace LeNetOnnx.Builder.LeNet;

/// <summary>The squashing function applied after each hidden layer.</summary>
public enum Activation
{
    /// <summary>Logistic sigmoid (d2l, MXNet/Gluon).</summary>
    Sigmoid,

    /// <summary>ReLU (the PyTorch MNIST tutorial).</summary>
    Relu,

    /// <summary>Plain tanh (the Keras seed).</summary>
    Tanh,

    /// <summary>LeCun 1998: f(a) = 1.7159·tanh(2a/3).</summary>
    ScaledTanh,
}
