namespace LeNetOnnx.Builder.Ir;

public sealed partial class Graph
{
    /// <summary>
    /// Mean softmax cross-entropy of <paramref name="scores"/> <c>[N,C]</c> against int64 class
    /// <paramref name="labels"/> <c>[N]</c>. Returns the scalar loss and the log-probabilities
    /// <c>[N,C]</c> (which the gradient reuses).
    /// </summary>
    public (Value Loss, Value LogProbabilities) SoftmaxCrossEntropyLoss(Value scores, Value labels, string? name = null)
    {
        const string op = "SoftmaxCrossEntropyLoss";
        ShapeInference.RequireRank(op, "scores", scores, 2);
        ShapeInference.RequireRank(op, "labels", labels, 1);
        ShapeInference.RequireType(op, labels, ElementType.Int64);
        ShapeInference.RequireEqual(op, $"the batch of '{scores.Name}' {scores.Shape} and '{labels.Name}' {labels.Shape}", scores.Shape[0], labels.Shape[0]);
        Value[] outputs = AddNode(
            op,
            [scores, labels],
            [(name, scores.ElementType, TensorShape.Scalar), (name is null ? null : name + ".log_prob", scores.ElementType, scores.Shape)],
            [new("reduction", AttributeValue.Of("mean"))]);
        return (outputs[0], outputs[1]);
    }
}
