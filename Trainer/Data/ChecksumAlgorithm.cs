namespace LeNetOnnx.Trainer.Data;

/// <summary>The hash algorithm of a published checksum.</summary>
public enum ChecksumAlgorithm
{
    /// <summary>MD5, what Fashion-MNIST's README and torchvision publish for these files.</summary>
    Md5,

    /// <summary>SHA-256.</summary>
    Sha256,
}
