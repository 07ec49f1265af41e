using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Trainer.Data;

/// <summary>
/// Zalando's Fashion-MNIST: 60,000 training and 10,000 test images of clothing, 28×28 grey, 10
/// classes (0 T-shirt/top … 9 Ankle boot).
/// </summary>
/// <example>
/// <code>
/// using var http = new HttpClient();
/// var provider = new DataSetProvider(new DataSetDownloader(http));
/// DataSetSplits data = await provider.LoadAsync(FashionMnist.Description, DataDirectorySearch.FromProcess(dataOption));
/// </code>
/// </example>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the four .gz files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// The files, mirrors and checksums.
    /// </summary>
    /// <remarks>
    /// <para>The MD5s are the ones in the "Get the Data" table of github.com/zalandoresearch/fashion-mnist
    /// README.md; torchvision's <c>FashionMNIST.resources</c> lists the same four.</para>
    /// <para>Mirrors: the download links of that README (an S3 website, plain http, so the MD5 is
    /// what vouches for the bytes), then the same repository's <c>data/fashion</c> folder over https.</para>
    /// <para>The content SHA-256s are of the decompressed IDX files. The label files' values were
    /// checked against the repository's own .gz files, whose MD5s equal the published ones; all
    /// four equal the values other projects derived from archives matching the published MD5s,
    /// and the contents of Debian's recompressed files.</para>
    /// </remarks>
    public static DataSetDescription Description { get; } = new()
    {
        Name = "Fashion-MNIST",
        TrainImages = new DataSetFile
        {
            FileName = "train-images-idx3-ubyte.gz",
            Published = Checksum.Md5("8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            ContentSha256 = "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        },
        TrainLabels = new DataSetFile
        {
            FileName = "train-labels-idx1-ubyte.gz",
            Published = Checksum.Md5("25c81989df183df01b3e8a0aad5dffbe"),
            ContentSha256 = "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        },
        TestImages = new DataSetFile
        {
            FileName = "t10k-images-idx3-ubyte.gz",
            Published = Checksum.Md5("bef4ecab320f06d8554ea6380940ec79"),
            ContentSha256 = "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        },
        TestLabels = new DataSetFile
        {
            FileName = "t10k-labels-idx1-ubyte.gz",
            Published = Checksum.Md5("bb300cfdad3c16e7a12a480ee83cd310"),
            ContentSha256 = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        },
        Mirrors =
        [
            new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            new Uri("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
        ],
        SystemDirectories = [DebianDirectory],
        ClassNames = FashionMnistClasses.Names,
    };
}
