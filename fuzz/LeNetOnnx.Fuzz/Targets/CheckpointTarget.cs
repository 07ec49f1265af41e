using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using LeNetOnnx.Builder.Training;

namespace LeNetOnnx.Fuzz.Targets;

/// <summary>
/// <c>checkpoint</c>: the input is a checkpoint file for <see cref="CheckpointFile.Deserialize"/>.
/// Each input is parsed twice: as it is, and resealed (its last 32 bytes replaced by the SHA-256
/// of the rest), since almost every mutation would otherwise stop at the checksum and never reach
/// the header parser. Documented failure: <see cref="CheckpointFormatException"/>.
/// </summary>
public sealed class CheckpointTarget : IFuzzTarget
{
    private const int DigestLength = 32;

    private readonly SeedCorpus seeds;

    /// <param name="seeds">Where the seed checkpoints come from.</param>
    public CheckpointTarget(SeedCorpus seeds)
    {
        this.seeds = seeds;
    }

    /// <inheritdoc />
    public string Name => "checkpoint";

    /// <inheritdoc />
    public IReadOnlyList<byte[]> Seeds => seeds.Checkpoints;

    /// <summary>The input with its last 32 bytes replaced by the SHA-256 of the bytes before them.</summary>
    public static byte[] Reseal(byte[] input)
    {
        byte[] sealedInput = (byte[])input.Clone();
        if (sealedInput.Length >= DigestLength)
        {
            SHA256.HashData(sealedInput.AsSpan(0, sealedInput.Length - DigestLength), sealedInput.AsSpan(sealedInput.Length - DigestLength));
        }

        return sealedInput;
    }

    /// <inheritdoc />
    public void Run(byte[] input)
    {
        CheckpointFormatException? rejected = null;
        try
        {
            Parse(input);
        }
        catch (CheckpointFormatException e)
        {
            rejected = e;
        }

        Parse(Reseal(input));
        if (rejected is not null)
        {
            ExceptionDispatchInfo.Throw(rejected);
        }
    }

    /// <inheritdoc />
    public bool IsDocumentedFailure(Exception exception) => exception is CheckpointFormatException;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static void Parse(byte[] bytes)
    {
        Checkpoint checkpoint = CheckpointFile.Deserialize(bytes, "fuzz.lnck");

        // What resuming does with a checkpoint: looks tensors up by name, and writes it again.
        foreach (CheckpointTensor tensor in checkpoint.Tensors)
        {
            _ = checkpoint[tensor.Name];
        }

        _ = CheckpointFile.Deserialize(CheckpointFile.Serialize(checkpoint));
    }
}
