namespace LeNetOnnx.Imaging;

/// <summary>Why <see cref="PictureDecoder"/> refused some bytes.</summary>
public enum PictureProblem
{
    /// <summary>No codec of SkiaSharp recognises the bytes.</summary>
    NotAPicture,

    /// <summary>The picture has more pixels than allowed (or no pixels).</summary>
    TooLarge,

    /// <summary>The codec recognised the format but could not decode the pixels: the data is truncated or corrupt.</summary>
    Undecodable,
}
