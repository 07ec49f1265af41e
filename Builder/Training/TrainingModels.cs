using LeNetOnnx.Builder.Autodiff;
using LeNetOnnx.Builder.Ir;
using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Builder.Training;

/// <summary>
/// The graphs of the training artifacts, made of standard <c>ai.onnx</c> operators only, so a
/// stock ONNX Runtime <c>InferenceSession</c> (or any runtime) can train.
/// </summary>
public static class TrainingModels
{
    /// <summary>Input of the training and eval models: int64 <c>[N]</c> class labels 0..9.</summary>
    public const string LabelsInput = "labels";

    /// <summary>Output: the mean softmax cross-entropy of the batch, a float scalar.</summary>
    public const string LossOutput = "loss";

    /// <summary>Output: how many images of the batch the model classifies right, an int64 scalar.</summary>
    public const string CorrectOutput = "correct";

    /// <summary>Input of the optimizer model: this step's learning rate, a float scalar.</summary>
    public const string LearningRateInput = "learning_rate";

    /// <summary>Input of the optimizer model: the 1-based number of the step being taken, an int64 scalar.</summary>
    public const string StepInput = "step";

    /// <summary>
    /// The training model: inputs <c>image</c>, <c>labels</c> and every parameter (named as the
    /// inference model's initializers); outputs <c>loss</c>, <c>correct</c> and
    /// <c>&lt;parameter&gt;_grad</c> for every parameter, in parameter order.
    /// </summary>
    /// <param name="variant">The variant.</param>
    /// <param name="seed">Seed of the initial weights held by the graph's parameters.</param>
    /// <param name="opset">Default-domain opset.</param>
    /// <param name="weights">Initial weights to hold instead of seeded ones.</param>
    /// <param name="loss">The loss to differentiate; the default is the mean cross-entropy of the logits.</param>
    public static Graph Training(LeNetOptions variant, ulong seed, int opset, IReadOnlyDictionary<string, float[]>? weights = null, TrainingLoss loss = default)
    {
        loss.Validate();
        LeNetForward forward = LeNet5.BuildForward(variant, seed, opset, LeNet5.GraphName(variant) + "_training", keepPoolIndices: true, weights: weights, poolingPhases: true);
        (Value lossValue, Value correct) = LossAndAccuracy(forward, loss);
        IReadOnlyList<Value> gradients = ReverseModeDifferentiator.Differentiate(forward.Graph, lossValue, forward.Graph.Parameters);
        forward.Graph.AddOutput(lossValue);
        forward.Graph.AddOutput(correct);
        foreach (Value gradient in gradients)
        {
            forward.Graph.AddOutput(gradient);
        }

        return forward.Graph;
    }

    /// <summary>
    /// The eval model: inputs <c>image</c>, <c>labels</c> and every parameter; outputs
    /// <c>loss</c>, <c>correct</c> and <c>logits</c>. No gradients.
    /// </summary>
    /// <param name="variant">The variant.</param>
    /// <param name="seed">Seed of the initial weights held by the graph's parameters.</param>
    /// <param name="opset">Default-domain opset.</param>
    /// <param name="weights">Weights the parameters hold instead of seeded ones.</param>
    /// <param name="poolingPhases">Convolutions followed by average pooling built as their pooling phases, as in <see cref="Training"/>.</param>
    public static Graph Evaluation(LeNetOptions variant, ulong seed, int opset, IReadOnlyDictionary<string, float[]>? weights = null, bool poolingPhases = false)
    {
        LeNetForward forward = LeNet5.BuildForward(variant, seed, opset, LeNet5.GraphName(variant) + "_eval", weights: weights, poolingPhases: poolingPhases);
        (Value loss, Value correct) = LossAndAccuracy(forward, default);
        forward.Graph.AddOutput(loss);
        forward.Graph.AddOutput(correct);
        forward.Graph.AddOutput(forward.Logits);
        return forward.Graph;
    }

    /// <summary>
    /// The optimizer model: inputs <c>learning_rate</c>, <c>step</c>, then per parameter the
    /// parameter, <c>&lt;parameter&gt;_grad</c> and its state (<c>&lt;parameter&gt;.momentum</c>, or
    /// <c>.exp_avg</c> and <c>.exp_avg_sq</c>); outputs the same tensors with <c>.next</c> appended,
    /// parameter first, then its state.
    /// </summary>
    public static Graph Optimizer(IReadOnlyList<Value> parameters, OptimizerOptions optimizer, int opset)
    {
        var g = new Graph($"{optimizer.Name}_optimizer", opset);
        Value learningRate = g.AddInput(LearningRateInput, ElementType.Float, TensorShape.Scalar);
        Value step = g.AddInput(StepInput, ElementType.Int64, TensorShape.Scalar);
        var updater = new OptimizerGraph(g, optimizer, learningRate, step);
        var updates = new List<(Value Parameter, IReadOnlyList<Value> State)>();
        foreach (Value parameter in parameters)
        {
            Value p = g.AddInput(parameter.Name, ElementType.Float, parameter.Shape);
            Value grad = g.AddInput(GradientContext.ParameterGradientName(parameter.Name), ElementType.Float, parameter.Shape);
            Value[] state = optimizer.StateNames.Select(s => g.AddInput(OptimizerGraph.StateName(parameter.Name, s), ElementType.Float, parameter.Shape)).ToArray();
            updates.Add(updater.Update(parameter.Name, p, grad, state));
        }

        foreach ((Value parameter, IReadOnlyList<Value> state) in updates)
        {
            g.AddOutput(parameter);
            foreach (Value s in state)
            {
                g.AddOutput(s);
            }
        }

        return g;
    }

    private static (Value Loss, Value Correct) LossAndAccuracy(LeNetForward forward, TrainingLoss form)
    {
        Graph g = forward.Graph;
        Value labels = g.AddInput(LabelsInput, ElementType.Int64, new TensorShape(Dim.Named(LeNetContract.BatchSymbol)));
        Value scores = form.OfSoftmax ? g.Softmax(forward.Logits, axis: 1, name: "loss.softmax") : forward.Logits;
        Value loss = form.LabelSmoothing == 0
            ? g.SoftmaxCrossEntropyLoss(scores, labels, name: LossOutput).Loss
            : SmoothedCrossEntropy(g, scores, labels, (float)form.LabelSmoothing);
        Value predicted = g.ArgMax(forward.Logits, axis: 1, keepDims: false, name: "predicted");
        Value hits = g.Cast(g.Equal(predicted, labels), ElementType.Int64);
        Value correct = g.ReduceSum(hits, [], keepDims: false, name: CorrectOutput);
        return (loss, correct);
    }

    /// <summary>
    /// Cross-entropy against (1 − ε)·one_hot(y) + ε/K, mean over the batch. With
    /// CE = lse(z) − z_y it is CE + ε·(z_y − mean_j z_j), computed as the cross-entropy plus
    /// Σ z·(one_hot − 1/K)·ε/N: a constant of the labels times the logits, so its gradient
    /// (ε/N)·(one_hot − 1/K) adds to the cross-entropy's (softmax − one_hot)/N.
    /// </summary>
    private static Value SmoothedCrossEntropy(Graph g, Value logits, Value labels, float epsilon)
    {
        int classes = (int)(logits.Shape[1].Size ?? throw new GraphBuildException("Label smoothing needs the class count at build time."));
        (Value crossEntropy, _) = g.SoftmaxCrossEntropyLoss(logits, labels, name: "cross_entropy");
        Value batch = g.Cast(g.ReduceProdAll(g.ShapeOf(labels)), ElementType.Float);
        Value centered = g.Sub(g.OneHot(labels, classes), g.Scalar(1f / classes));
        Value weights = g.Div(g.Mul(centered, g.Scalar(epsilon)), batch, name: "smoothing_weights");
        Value smoothing = g.ReduceSum(g.Mul(logits, weights), [], keepDims: false, name: "smoothing_term");
        return g.Add(crossEntropy, smoothing, name: LossOutput);
    }
}
