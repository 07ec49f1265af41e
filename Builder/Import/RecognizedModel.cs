using LeNetOnnx.Builder.LeNet;

namespace LeNetOnnx.Builder.Import;

/// <summary>A foreign model recognised as a LeNetOnnx variant, with its weights in that variant's names.</summary>
/// <param name="Variant">The variant its graph computes.</param>
/// <param name="Weights">Every parameter of <paramref name="Variant"/>, by name (<c>c1.weight</c>, …), the input convention folded into C1.</param>
/// <param name="Output">What its output holds.</param>
/// <param name="Input">What it expects as input.</param>
/// <param name="Chain">Its layers as read, e.g. <c>Conv 1→6 5×5, padding 2 → Sigmoid → …</c>.</param>
/// <param name="FixedBatch">The batch size its input is fixed to (1 for an export without dynamic axes); null when dynamic.</param>
public sealed record RecognizedModel(LeNetOptions Variant, IReadOnlyDictionary<string, float[]> Weights, ForeignOutput Output, InputConvention Input, string Chain, int? FixedBatch);
