namespace LeNetOnnx.Builder.Serialization;

/// <summary>An ONNX file could not be used as a LeNetOnnx model: corrupt, foreign, or with weights that do not fit.</summary>
public sealed class ModelImportException : Exception
{
    /// <summary>Creates the exception with a message that names the file and the problem.</summary>
    public ModelImportException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public ModelImportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception without a message.</summary>
    public ModelImportException()
    {
    }
}
