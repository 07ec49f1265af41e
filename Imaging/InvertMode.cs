namespace LeNetOnnx.Imaging;

/// <summary>When a picture is inverted (<c>lenet predict --invert</c>, <c>lenet serve</c>'s <c>?invert=</c>).</summary>
public enum InvertMode
{
    /// <summary>Invert when the background is light (or, on a transparent background, the object is dark).</summary>
    Auto,

    /// <summary>Always invert: the picture is dark ink on a light background.</summary>
    Always,

    /// <summary>Never invert: the picture is already light ink on a dark background, like the data set.</summary>
    Never,
}
