namespace LeNetOnnx.Builder.Ir;

public sealed partial class Graph
{
    /// <summary>Flattens to 2-D: dimensions before <paramref name="axis"/> become rows, the rest columns.</summary>
    public Value Flatten(Value x, int axis = 1, string? name = null)
    {
        int a = axis < 0 ? axis + x.Shape.Rank : axis;
        if (a < 0 || a > x.Shape.Rank)
        {
            throw new GraphBuildException($"Flatten: axis {axis} is out of range for '{x.Name}' {x.Shape}.");
        }

        var shape = new TensorShape(ShapeInference.Product(x.Shape.Dims.Take(a)), ShapeInference.Product(x.Shape.Dims.Skip(a)));
        return AddNode("Flatten", [x], [(name, x.ElementType, shape)], [new("axis", AttributeValue.Of((long)a))])[0];
    }

    /// <summary>Reshapes to <paramref name="target"/>; <c>0</c> copies the input dimension and one <c>-1</c> is inferred.</summary>
    public Value Reshape(Value x, long[] target, string? name = null)
    {
        var dims = new Dim[target.Length];
        int inferred = -1;
        for (int i = 0; i < target.Length; i++)
        {
            dims[i] = target[i] switch
            {
                0 when i < x.Shape.Rank => x.Shape[i],
                -1 when inferred < 0 => Dim.Unknown,
                > 0 => Dim.Of(target[i]),
                _ => throw new GraphBuildException($"Reshape: target [{string.Join(",", target)}] for '{x.Name}' {x.Shape} is not valid (one -1 at most, 0 only within the input rank, no other negatives)."),
            };
            if (target[i] == -1)
            {
                inferred = i;
            }
        }

        if (inferred >= 0)
        {
            dims[inferred] = ShapeInference.Quotient(x.Shape.Dims, dims.Where((_, i) => i != inferred));
        }

        var shape = new TensorShape(dims);
        Dim from = ShapeInference.Product(x.Shape.Dims);
        Dim to = ShapeInference.Product(shape.Dims);
        if (from.IsKnown && to.IsKnown && from.Size != to.Size)
        {
            throw new GraphBuildException($"Reshape: '{x.Name}' {x.Shape} has {from} elements and cannot become [{string.Join(",", target)}] ({to}).");
        }

        return AddNode("Reshape", [x, Int64s(target)], [(name, x.ElementType, shape)])[0];
    }

    /// <summary>
    /// Constant padding of a 4-D tensor's spatial axes. <paramref name="pads"/> is
    /// <c>[top, left, bottom, right]</c>, as for <see cref="Conv"/>.
    /// </summary>
    public Value Pad2D(Value x, long[] pads, float value = 0f, string? name = null)
    {
        ShapeInference.RequireRank("Pad", "input", x, 4);
        if (pads.Length != 4 || pads.Any(p => p < 0))
        {
            throw new GraphBuildException($"Pad: pads must be four non-negative numbers [top, left, bottom, right], got [{string.Join(",", pads)}].");
        }

        // ONNX wants all begins then all ends over every axis: [n, c, top, left, n, c, bottom, right].
        long[] onnxPads = [0, 0, pads[0], pads[1], 0, 0, pads[2], pads[3]];
        var shape = new TensorShape(x.Shape[0], x.Shape[1], Grow(x.Shape[2], pads[0] + pads[2]), Grow(x.Shape[3], pads[1] + pads[3]));
        return AddNode("Pad", [x, Int64s(onnxPads), Scalar(value)], [(name, x.ElementType, shape)], [new("mode", AttributeValue.Of("constant"))])[0];
    }

    /// <summary>Joins tensors of one rank along <paramref name="axis"/>; every other dimension must agree.</summary>
    public Value Concat(IReadOnlyList<Value> parts, int axis, string? name = null)
    {
        if (parts.Count == 0)
        {
            throw new GraphBuildException("Concat: needs at least one tensor.");
        }

        Value first = parts[0];
        int a = first.Shape.NormalizeAxis(axis);
        Dim[] dims = first.Shape.Dims.ToArray();
        foreach (Value part in parts.Skip(1))
        {
            ShapeInference.RequireSameType("Concat", first, part);
            ShapeInference.RequireRank("Concat", $"input '{part.Name}'", part, first.Shape.Rank);
            for (int i = 0; i < dims.Length; i++)
            {
                if (i != a)
                {
                    ShapeInference.RequireEqual("Concat", $"'{first.Name}' {first.Shape} and '{part.Name}' {part.Shape} on axis {i}", dims[i], part.Shape[i]);
                }
            }
        }

        dims[a] = ShapeInference.Sum(parts.Select(p => p.Shape[a]));
        return AddNode("Concat", parts.ToArray(), [(name, first.ElementType, new TensorShape(dims))], [new("axis", AttributeValue.Of((long)a))])[0];
    }

    /// <summary>Elements <c>[start, end)</c> of one axis whose size is known.</summary>
    public Value Slice(Value x, int axis, long start, long end, string? name = null)
    {
        int a = x.Shape.NormalizeAxis(axis);
        long size = x.Shape[a].Size ?? throw new GraphBuildException($"Slice: axis {a} of '{x.Name}' {x.Shape} must be known at build time.");
        if (start < 0 || end > size || start >= end)
        {
            throw new GraphBuildException($"Slice: [{start}, {end}) is not a non-empty range of axis {a} of '{x.Name}' {x.Shape}.");
        }

        Dim[] dims = x.Shape.Dims.ToArray();
        dims[a] = Dim.Of(end - start);
        return AddNode("Slice", [x, Int64s(start), Int64s(end), Int64s(a)], [(name, x.ElementType, new TensorShape(dims))])[0];
    }

    /// <summary>Permutes the axes.</summary>
    public Value Transpose(Value x, long[] perm, string? name = null)
    {
        if (perm.Length != x.Shape.Rank || perm.Order().Select((p, i) => p == i).Any(ok => !ok))
        {
            throw new GraphBuildException($"Transpose: [{string.Join(",", perm)}] is not a permutation of the axes of '{x.Name}' {x.Shape}.");
        }

        var shape = new TensorShape(perm.Select(p => x.Shape[(int)p]).ToArray());
        return AddNode("Transpose", [x], [(name, x.ElementType, shape)], [new("perm", AttributeValue.Of(perm))])[0];
    }

    /// <summary>
    /// Moves blocks of channels into space: <c>[N, C·b², H, W]</c> to <c>[N, C, H·b, W·b]</c>, the
    /// DCR order (output pixel <c>(h·b + i, w·b + j)</c> of channel c reads input channel
    /// <c>(i·b + j)·C + c</c> at <c>(h, w)</c>).
    /// </summary>
    public Value DepthToSpace(Value x, long blockSize, string? name = null)
    {
        const string op = "DepthToSpace";
        ShapeInference.RequireRank(op, "input", x, 4);
        if (blockSize < 2)
        {
            throw new GraphBuildException($"{op}: the block size must be 2 or more, got {blockSize}.");
        }

        long blockArea = blockSize * blockSize;
        if (x.Shape[1].Size is { } channels && channels % blockArea != 0)
        {
            throw new GraphBuildException($"{op}: the {channels} channels of '{x.Name}' {x.Shape} do not divide into blocks of {blockArea}.");
        }

        var shape = new TensorShape(
            x.Shape[0],
            x.Shape[1].IsKnown ? Dim.Of(x.Shape[1].Size!.Value / blockArea) : Dim.Unknown,
            x.Shape[2].IsKnown ? Dim.Of(x.Shape[2].Size!.Value * blockSize) : Dim.Unknown,
            x.Shape[3].IsKnown ? Dim.Of(x.Shape[3].Size!.Value * blockSize) : Dim.Unknown);
        return AddNode(op, [x], [(name, x.ElementType, shape)], [new("blocksize", AttributeValue.Of(blockSize)), new("mode", AttributeValue.Of("DCR"))])[0];
    }

    /// <summary>Softmax along one axis.</summary>
    public Value Softmax(Value x, int axis = -1, string? name = null)
    {
        int a = x.Shape.NormalizeAxis(axis);
        return AddNode("Softmax", [x], [(name, x.ElementType, x.Shape)], [new("axis", AttributeValue.Of((long)a))])[0];
    }

    private static Dim Grow(Dim d, long by) => d.IsKnown ? Dim.Of(d.Size!.Value + by) : Dim.Unknown;
}
