namespace LeNetOnnx.Builder.Ir;

public sealed partial class Graph
{
    /// <summary>The shape of <paramref name="x"/> as a 1-D int64 tensor, for ops that take shapes at run time.</summary>
    public Value ShapeOf(Value x, string? name = null) =>
        AddNode("Shape", [x], [(name, ElementType.Int64, new TensorShape(x.Shape.Rank))])[0];

    /// <summary>Reshapes <paramref name="x"/> to the run-time shape of <paramref name="like"/>.</summary>
    public Value ReshapeLike(Value x, Value like, string? name = null)
    {
        Dim from = ShapeInference.Product(x.Shape.Dims);
        Dim to = ShapeInference.Product(like.Shape.Dims);
        if (from.IsKnown && to.IsKnown && from.Size != to.Size)
        {
            throw new GraphBuildException($"Reshape: '{x.Name}' {x.Shape} cannot take the shape of '{like.Name}' {like.Shape}.");
        }

        return AddNode("Reshape", [x, ShapeOf(like)], [(name, x.ElementType, like.Shape)])[0];
    }

    /// <summary>Broadcasts <paramref name="x"/> to the run-time shape of <paramref name="like"/>, whose shape it must broadcast to.</summary>
    public Value ExpandLike(Value x, Value like, string? name = null)
    {
        TensorShape shape = ShapeInference.Broadcast("Expand", x.Shape, like.Shape);
        return AddNode("Expand", [x, ShapeOf(like)], [(name, x.ElementType, shape)])[0];
    }

    /// <summary>A tensor of <paramref name="shape"/>'s run-time shape filled with <paramref name="value"/>.</summary>
    public Value ConstantOfShape(Value shape, float value, TensorShape staticShape, string? name = null)
    {
        ShapeInference.RequireType("ConstantOfShape", shape, ElementType.Int64);
        return AddNode("ConstantOfShape", [shape], [(name, ElementType.Float, staticShape)], [new("value", AttributeValue.Of(TensorData.Float([value], 1)))])[0];
    }

    /// <summary>Converts the element type.</summary>
    public Value Cast(Value x, ElementType to, string? name = null) =>
        AddNode("Cast", [x], [(name, to, x.Shape)], [new("to", AttributeValue.Of((long)to))])[0];

    /// <summary>Elementwise <c>a == b</c> (boolean result).</summary>
    public Value Equal(Value a, Value b, string? name = null) => Comparison("Equal", a, b, name);

    /// <summary>Elementwise <c>a &gt; b</c> (boolean result).</summary>
    public Value Greater(Value a, Value b, string? name = null) => Comparison("Greater", a, b, name);

    /// <summary>Elementwise <c>condition ? a : b</c> with broadcasting.</summary>
    public Value Where(Value condition, Value a, Value b, string? name = null)
    {
        ShapeInference.RequireType("Where", condition, ElementType.Bool);
        ShapeInference.RequireSameType("Where", a, b);
        TensorShape shape = ShapeInference.Broadcast("Where", condition.Shape, ShapeInference.Broadcast("Where", a.Shape, b.Shape));
        return AddNode("Where", [condition, a, b], [(name, a.ElementType, shape)])[0];
    }

    /// <summary><c>a</c> raised to <c>b</c>, elementwise with broadcasting.</summary>
    public Value Pow(Value a, Value b, string? name = null) =>
        AddNode("Pow", [a, b], [(name, a.ElementType, ShapeInference.Broadcast("Pow", a.Shape, b.Shape))])[0];

    /// <summary>Elementwise sum of several tensors of one shape.</summary>
    public Value Sum(IReadOnlyList<Value> terms, string? name = null)
    {
        if (terms.Count == 0)
        {
            throw new GraphBuildException("Sum: needs at least one term.");
        }

        TensorShape shape = terms.Skip(1).Aggregate(terms[0].Shape, (s, t) => ShapeInference.Broadcast("Sum", s, t.Shape));
        return AddNode("Sum", terms.ToArray(), [(name, terms[0].ElementType, shape)])[0];
    }

    /// <summary>One-hot rows: <c>[N]</c> int64 class indices → float <c>[N, depth]</c> of 0 and 1.</summary>
    public Value OneHot(Value indices, int depth, string? name = null)
    {
        ShapeInference.RequireRank("OneHot", "indices", indices, 1);
        Value depthValue = AddConstant(TensorData.Int64([depth]), hint: "depth");
        Value offOn = AddConstant(TensorData.Float([0f, 1f], 2), hint: "off_on");
        var shape = new TensorShape(indices.Shape[0], depth);
        return AddNode("OneHot", [indices, depthValue, offOn], [(name, ElementType.Float, shape)], [new("axis", AttributeValue.Of(-1L))])[0];
    }

    /// <summary>
    /// Writes <paramref name="updates"/> into a copy of <paramref name="data"/> at <paramref name="indices"/>
    /// along <paramref name="axis"/> (no reduction: each index must be written once).
    /// </summary>
    public Value ScatterElements(Value data, Value indices, Value updates, int axis, string? name = null)
    {
        ShapeInference.RequireType("ScatterElements", indices, ElementType.Int64);
        ShapeInference.RequireSameType("ScatterElements", data, updates);
        return AddNode("ScatterElements", [data, indices, updates], [(name, data.ElementType, data.Shape)], [new("axis", AttributeValue.Of((long)axis))])[0];
    }

    /// <summary>A slice of the last two axes of a 4-D tensor: rows [top, H−bottom), columns [left, W−right).</summary>
    public Value Crop2D(Value x, long[] crop, string? name = null)
    {
        ShapeInference.RequireRank("Slice", "input", x, 4);
        long[] starts = [crop[0], crop[1]];
        long[] ends = [crop[2] > 0 ? -crop[2] : long.MaxValue, crop[3] > 0 ? -crop[3] : long.MaxValue];
        var shape = new TensorShape(x.Shape[0], x.Shape[1], Shrink(x.Shape[2], crop[0] + crop[2]), Shrink(x.Shape[3], crop[1] + crop[3]));
        return AddNode("Slice", [x, Int64s(starts), Int64s(ends), Int64s(2, 3)], [(name, x.ElementType, shape)])[0];
    }

    /// <summary>Nearest-neighbour upsampling of a 4-D tensor's spatial axes by an integer factor.</summary>
    public Value UpsampleNearest(Value x, int factor, string? name = null)
    {
        ShapeInference.RequireRank("Resize", "input", x, 4);
        Value scales = AddConstant(TensorData.Float([1f, 1f, factor, factor], 4), hint: "scales");
        var shape = new TensorShape(x.Shape[0], x.Shape[1], Grow(x.Shape[2], factor), Grow(x.Shape[3], factor));
        KeyValuePair<string, AttributeValue>[] attributes =
        [
            new("coordinate_transformation_mode", AttributeValue.Of("asymmetric")),
            new("mode", AttributeValue.Of("nearest")),
            new("nearest_mode", AttributeValue.Of("floor")),
        ];
        return AddNode("Resize", [x, null, scales], [(name, x.ElementType, shape)], attributes)[0];

        static Dim Grow(Dim d, int by) => d.IsKnown ? Dim.Of(d.Size!.Value * by) : Dim.Unknown;
    }

    /// <summary>
    /// Bilinear resizing of a 4-D tensor's spatial axes to <paramref name="height"/>×<paramref name="width"/>
    /// with half-pixel centres (ONNX <c>Resize</c>, mode linear, <c>half_pixel</c>; source
    /// coordinates outside the image clamp to its edge), as OpenCV's <c>INTER_LINEAR</c> and
    /// PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c> sample.
    /// </summary>
    /// <exception cref="GraphBuildException">The input's spatial size is unknown, or the float scale would not give exactly the requested size.</exception>
    public Value ResizeBilinear(Value x, long height, long width, string? name = null)
    {
        ShapeInference.RequireRank("Resize", "input", x, 4);
        if (x.Shape[2].Size is not { } inHeight || x.Shape[3].Size is not { } inWidth || height < 1 || width < 1)
        {
            throw new GraphBuildException($"Resize: '{x.Name}' {x.Shape} needs a known height and width, and the target {height}x{width} must be positive.");
        }

        // The output size is floor(input × scale) in ONNX; the float32 scale must not round below it.
        float scaleH = (float)height / inHeight;
        float scaleW = (float)width / inWidth;
        if ((long)Math.Floor(inHeight * (double)scaleH) != height || (long)Math.Floor(inWidth * (double)scaleW) != width)
        {
            throw new GraphBuildException($"Resize: {inHeight}x{inWidth} to {height}x{width} has no float32 scale that gives exactly that size.");
        }

        Value scales = AddConstant(TensorData.Float([1f, 1f, scaleH, scaleW], 4), hint: "scales");
        KeyValuePair<string, AttributeValue>[] attributes =
        [
            new("coordinate_transformation_mode", AttributeValue.Of("half_pixel")),
            new("mode", AttributeValue.Of("linear")),
        ];
        return AddNode("Resize", [x, null, scales], [(name, x.ElementType, new TensorShape(x.Shape[0], x.Shape[1], height, width))], attributes)[0];
    }

    private Value Comparison(string op, Value a, Value b, string? name)
    {
        ShapeInference.RequireSameType(op, a, b);
        return AddNode(op, [a, b], [(name, ElementType.Bool, ShapeInference.Broadcast(op, a.Shape, b.Shape))])[0];
    }

    private static Dim Shrink(Dim d, long by) => d.IsKnown ? Dim.Of(d.Size!.Value - by) : Dim.Unknown;
}
