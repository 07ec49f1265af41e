using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Data;

namespace LeNetOnnx.Trainer.Loop;

/// <summary>
/// <c>recipe.json</c> beside the training artifacts: everything besides the models that decides a
/// run's numbers (batch size, epochs, seed, schedule, augmentation, loss divisor, data set and its
/// files' content checksums), so that a trainer in another runtime (tools/node/lenet_train.mjs)
/// runs the same loop, and the line <see cref="TrainingRun.Describe"/> gives, which a checkpoint
/// must carry for <c>lenet train --resume</c> to continue it.
/// </summary>
public static class RecipeFile
{
    /// <summary>The file name in an artifacts directory.</summary>
    public const string FileName = "recipe.json";

    /// <summary>The value of its <c>format</c> key.</summary>
    public const string Format = "lenet-recipe";

    /// <summary>The artifacts of <paramref name="recipe"/> as <c>lenet train</c> makes them: its network, optimizer, seed and loss.</summary>
    /// <param name="recipe">The recipe.</param>
    /// <param name="weights">Initial weights instead of the seeded ones (<c>--from</c>).</param>
    /// <param name="labels">The class names the inference model carries.</param>
    public static TrainingArtifacts ArtifactsOf(TrainingRecipe recipe, IReadOnlyDictionary<string, float[]>? weights = null, IReadOnlyList<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return TrainingArtifacts.Create(recipe.Variant, recipe.Optimizer, recipe.Seed, weights: weights, loss: recipe.Loss, labels: labels);
    }

    /// <summary>What <c>lenet artifacts --recipe</c> writes: the artifacts' files and <c>recipe.json</c>.</summary>
    public static IReadOnlyList<KeyValuePair<string, byte[]>> Files(TrainingArtifacts artifacts, TrainingRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(artifacts);
        return [.. artifacts.Files, new(FileName, ToJson(recipe))];
    }

    /// <summary>The recipe as JSON (UTF-8). Fashion-MNIST and MNIST name their files and checksums; the <c>idx</c> data set names none (its files are the user's).</summary>
    public static byte[] ToJson(TrainingRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        DataSetDescription? data = recipe.DataSet switch
        {
            DataSetCatalog.FashionMnistName => FashionMnist.Description,
            DataSetCatalog.MnistName => Mnist.Description,
            _ => null,
        };
        var json = new JsonObject
        {
            ["format"] = Format,
            ["name"] = recipe.Name,
            ["variant"] = recipe.Variant.Variant,
            ["init"] = recipe.Variant.Init == WeightInit.XavierUniform ? null : recipe.Variant.Init.ToString(),
            ["optimizer"] = recipe.Optimizer.Name,
            ["learning_rate"] = recipe.Optimizer.LearningRate,
            ["learning_rate_text"] = recipe.Optimizer.LearningRate.ToString(CultureInfo.InvariantCulture),
            ["batch_size"] = recipe.BatchSize,
            ["epochs"] = recipe.Epochs,
            ["seed"] = recipe.Seed.ToString(CultureInfo.InvariantCulture),
            ["schedule"] = recipe.Schedule.ToString(),
            ["augmentation"] = new JsonObject
            {
                ["max_shift"] = recipe.Augmentation.MaxShift,
                ["horizontal_flip"] = recipe.Augmentation.HorizontalFlip,
                ["seed"] = recipe.Augmentation.Seed.ToString(CultureInfo.InvariantCulture),
            },
            ["loss"] = recipe.Loss.Summary(),
            ["loss_divisor"] = recipe.LossDivisor,
            ["train_images"] = recipe.TrainImages,
            ["data_set"] = recipe.DataSet,
            ["classes"] = data is null ? null : new JsonArray([.. data.ClassNames.Select(n => JsonValue.Create(n))]),
            ["files"] = data is null ? null : new JsonObject
            {
                ["train_images"] = FileOf(data.TrainImages),
                ["train_labels"] = FileOf(data.TrainLabels),
                ["test_images"] = FileOf(data.TestImages),
                ["test_labels"] = FileOf(data.TestLabels),
            },
            ["system_directories"] = data is null ? null : new JsonArray([.. data.SystemDirectories.Select(d => JsonValue.Create(d))]),
            ["describe"] = TrainingRun.Describe(recipe),
        };
        return JsonSerializer.SerializeToUtf8Bytes(json, new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject FileOf(DataSetFile file) => new() { ["name"] = file.FileName, ["content_sha256"] = file.ContentSha256 };
}
