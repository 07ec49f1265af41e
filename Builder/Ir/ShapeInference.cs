namespace LeNetOnnx.Builder.Ir;

/// <summary>Shape rules shared by the op helpers. Every failure names the op and the shapes involved.</summary>
internal static class ShapeInference
{
    /// <summary>Numpy-style multidirectional broadcasting.</summary>
    public static TensorShape Broadcast(string op, TensorShape a, TensorShape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var result = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            Dim da = i < rank - a.Rank ? Dim.Of(1) : a[i - (rank - a.Rank)];
            Dim db = i < rank - b.Rank ? Dim.Of(1) : b[i - (rank - b.Rank)];
            result[i] = BroadcastDim(op, a, b, da, db);
        }

        return new TensorShape(result);
    }

    /// <summary>Output size of a sliding window (convolution, pooling) along one axis.</summary>
    public static Dim Window(string op, TensorShape input, Dim size, long kernel, long stride, long padBegin, long padEnd, long dilation)
    {
        if (!size.IsKnown)
        {
            return Dim.Unknown;
        }

        long span = (dilation * (kernel - 1)) + 1;
        long padded = size.Size!.Value + padBegin + padEnd;
        if (padded < span)
        {
            throw new GraphBuildException($"{op}: the window of {kernel} (dilation {dilation}) does not fit an input of shape {input} with pads {padBegin}+{padEnd}.");
        }

        return Dim.Of(((padded - span) / stride) + 1);
    }

    /// <summary>The product of a run of dimensions; symbolic when exactly one symbolic dimension is multiplied by ones.</summary>
    public static Dim Product(IEnumerable<Dim> dims)
    {
        long known = 1;
        Dim? symbolic = null;
        int unknownCount = 0;
        foreach (Dim d in dims)
        {
            if (d.IsKnown)
            {
                known *= d.Size!.Value;
            }
            else
            {
                unknownCount++;
                symbolic = d;
            }
        }

        return unknownCount switch
        {
            0 => Dim.Of(known),
            1 when known == 1 => symbolic!.Value,
            _ => Dim.Unknown,
        };
    }

    /// <summary>The sum of dimensions (Concat's axis): known when every one is known.</summary>
    public static Dim Sum(IEnumerable<Dim> dims)
    {
        long total = 0;
        foreach (Dim d in dims)
        {
            if (!d.IsKnown)
            {
                return Dim.Unknown;
            }

            total += d.Size!.Value;
        }

        return Dim.Of(total);
    }

    /// <summary>
    /// The dimension that makes <paramref name="divisor"/> fill <paramref name="dividend"/>
    /// (Reshape's -1): known sizes divide, symbols cancel; what is left must be one symbol or a size.
    /// </summary>
    public static Dim Quotient(IEnumerable<Dim> dividend, IEnumerable<Dim> divisor)
    {
        long known = 1;
        var symbols = new List<string>();
        foreach (Dim d in dividend)
        {
            if (d.IsKnown)
            {
                known *= d.Size!.Value;
            }
            else if (d.Symbol is { } s)
            {
                symbols.Add(s);
            }
            else
            {
                return Dim.Unknown;
            }
        }

        foreach (Dim d in divisor)
        {
            if (d.IsKnown && d.Size != 0 && known % d.Size!.Value == 0)
            {
                known /= d.Size!.Value;
            }
            else if (d.Symbol is not { } s || !symbols.Remove(s))
            {
                return Dim.Unknown;
            }
        }

        return symbols.Count switch
        {
            0 => Dim.Of(known),
            1 when known == 1 => Dim.Named(symbols[0]),
            _ => Dim.Unknown,
        };
    }

    public static void RequireRank(string op, string what, Value v, int rank)
    {
        if (v.Shape.Rank != rank)
        {
            throw new GraphBuildException($"{op}: {what} '{v.Name}' must have rank {rank}, but its shape is {v.Shape}.");
        }
    }

    public static void RequireSameType(string op, Value a, Value b)
    {
        if (a.ElementType != b.ElementType)
        {
            throw new GraphBuildException($"{op}: '{a.Name}' is {a.ElementType} but '{b.Name}' is {b.ElementType}; they must match.");
        }
    }

    public static void RequireType(string op, Value v, ElementType type)
    {
        if (v.ElementType != type)
        {
            throw new GraphBuildException($"{op}: '{v.Name}' must be {type}, but it is {v.ElementType}.");
        }
    }

    /// <summary>Two dims that must be equal (a contraction, channel counts); unknown or symbolic sides are trusted.</summary>
    public static void RequireEqual(string op, string what, Dim a, Dim b)
    {
        if (a.IsKnown && b.IsKnown && a.Size != b.Size)
        {
            throw new GraphBuildException($"{op}: {what} do not match ({a} vs {b}).");
        }
    }

    private static Dim BroadcastDim(string op, TensorShape a, TensorShape b, Dim da, Dim db)
    {
        if (da == db)
        {
            return da;
        }

        if (da.Size == 1)
        {
            return db;
        }

        if (db.Size == 1)
        {
            return da;
        }

        if (da.IsKnown && db.IsKnown)
        {
            throw new GraphBuildException($"{op}: shapes {a} and {b} cannot be broadcast together ({da} vs {db}).");
        }

        return da.IsKnown ? da : db.IsKnown ? db : Dim.Unknown;
    }
}
