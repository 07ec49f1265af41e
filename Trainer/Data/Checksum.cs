using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// A checksum as its publisher wrote it: the algorithm and the lowercase hex digest.
/// </summary>
/// <remarks>
/// MNIST and Fashion-MNIST publish only MD5s of their <c>.gz</c> files. MD5 no longer resists a
/// deliberate collision, but a download is compared with a digest fixed in advance, which needs a
/// second preimage, and it still catches every corruption and truncation; it is what exists.
/// </remarks>
/// <example>
/// <code>
/// var published = Checksum.Md5("8d4fb7e6c68d591d4c3dfef9ec88bf0d");
/// bool ok = published.Matches(File.ReadAllBytes("train-images-idx3-ubyte.gz"));
/// </code>
/// </example>
public readonly record struct Checksum
{
    /// <summary>Creates a checksum from its algorithm and hex digest (either case).</summary>
    /// <exception cref="ArgumentException">The digest is not hex of the algorithm's length.</exception>
    public Checksum(ChecksumAlgorithm algorithm, string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        int expectedLength = algorithm switch
        {
            ChecksumAlgorithm.Md5 => 32,
            ChecksumAlgorithm.Sha256 => 64,
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown checksum algorithm."),
        };
        if (hex.Length != expectedLength || !hex.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException($"A {Name(algorithm)} digest is {expectedLength} hex digits; got '{hex}'.", nameof(hex));
        }

        Algorithm = algorithm;
        Hex = hex.ToLowerInvariant();
    }

    /// <summary>The algorithm.</summary>
    public ChecksumAlgorithm Algorithm { get; }

    /// <summary>The digest in lowercase hex.</summary>
    public string Hex { get; }

    /// <summary>An MD5 checksum.</summary>
    public static Checksum Md5(string hex) => new(ChecksumAlgorithm.Md5, hex);

    /// <summary>A SHA-256 checksum.</summary>
    public static Checksum Sha256(string hex) => new(ChecksumAlgorithm.Sha256, hex);

    /// <summary>The SHA-256 checksum of <paramref name="contents"/>.</summary>
    public static Checksum Sha256Of(ReadOnlySpan<byte> contents) => new(ChecksumAlgorithm.Sha256, Convert.ToHexStringLower(SHA256.HashData(contents)));

    /// <summary>True when <paramref name="contents"/> hash to this checksum.</summary>
    public bool Matches(ReadOnlySpan<byte> contents)
    {
        using IncrementalHash hash = CreateHash();
        hash.AppendData(contents);
        return MatchesDigest(hash.GetHashAndReset());
    }

    /// <summary>"MD5 8d4f…" or "SHA-256 c59f…".</summary>
    public override string ToString() => $"{Name(Algorithm)} {Hex}";

    /// <summary>An incremental hash of this checksum's algorithm, so a download is hashed as it arrives.</summary>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "The publishers give MD5 only; it verifies integrity against a fixed digest, not authenticity.")]
    internal IncrementalHash CreateHash() => IncrementalHash.CreateHash(Algorithm == ChecksumAlgorithm.Md5 ? HashAlgorithmName.MD5 : HashAlgorithmName.SHA256);

    /// <summary>True when a digest computed with <see cref="CreateHash"/> equals this checksum.</summary>
    internal bool MatchesDigest(ReadOnlySpan<byte> digest) => string.Equals(Convert.ToHexStringLower(digest), Hex, StringComparison.Ordinal);

    private static string Name(ChecksumAlgorithm algorithm) => algorithm == ChecksumAlgorithm.Md5 ? "MD5" : "SHA-256";
}
