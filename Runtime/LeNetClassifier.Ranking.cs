namespace LeNetOnnx.Runtime;

/// <content>Ranking classes by score.</content>
public sealed partial class LeNetClassifier
{
    /// <summary>
    /// Writes the indices of the <c>indices.Length</c> largest scores, largest first; equal scores
    /// keep label order and NaN ranks last. Works on one image's probabilities or logits.
    /// </summary>
    /// <param name="probabilities">One image's scores, e.g. a <see cref="ClassCount"/>-long slice of a batch.</param>
    /// <param name="indices">Receives the top labels; at most as long as <paramref name="probabilities"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="indices"/> is longer than <paramref name="probabilities"/>.</exception>
    /// <example><c>Span&lt;int&gt; top3 = stackalloc int[3]; LeNetClassifier.TopK(probabilities.AsSpan(n * 10, 10), top3);</c></example>
    public static void TopK(ReadOnlySpan<float> probabilities, Span<int> indices)
    {
        if (indices.Length > probabilities.Length)
        {
            Throw.TooManyIndices(nameof(indices), indices.Length, probabilities.Length);
        }

        // Insertion into a sorted prefix: k x n comparisons, and n is 10.
        int count = 0;
        int k = indices.Length;
        for (int i = 0; i < probabilities.Length && k > 0; i++)
        {
            float score = probabilities[i];
            if (count == k && !Ranks(score, probabilities[indices[k - 1]]))
            {
                continue;
            }

            int slot = count < k ? count++ : k - 1;
            while (slot > 0 && Ranks(score, probabilities[indices[slot - 1]]))
            {
                indices[slot] = indices[slot - 1];
                slot--;
            }

            indices[slot] = i;
        }
    }

    /// <summary>The index of the largest value; the first one on ties.</summary>
    private static int ArgMax(ReadOnlySpan<float> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
        {
            if (Ranks(scores[i], scores[best]))
            {
                best = i;
            }
        }

        return best;
    }

    // Strictly above, with NaN below everything, so a NaN never outranks a number.
    private static bool Ranks(float score, float than) => score > than || (float.IsNaN(than) && !float.IsNaN(score));
}
