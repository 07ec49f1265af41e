using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;
using LeNetOnnx.Trainer.Data;
using LeNetOnnx.Trainer.Loop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LeNetOnnx.Cli.Serving;

/// <summary>
/// What the page's Train tab downloads to train in the browser: the recipes
/// (<c>GET /v1/train</c>), each recipe's training artifacts and <c>recipe.json</c> as
/// <c>lenet artifacts --recipe</c> writes them (<c>GET /v1/train/{recipe}/{file}</c>, built once per
/// recipe on first use), and the Fashion-MNIST files of the server's data directory
/// (<c>GET /v1/train/data/{file}</c>, the four names of the data set only).
/// </summary>
internal sealed class TrainingFiles
{
    private const string DataCatalogName = DataSetCatalog.FashionMnistName;
    private static readonly DataSetDescription DataSet = FashionMnist.Description;
    private readonly ConcurrentDictionary<string, Lazy<FrozenDictionary<string, byte[]>>> artifacts = new(StringComparer.Ordinal);
    private readonly string? dataDirectory;

    /// <param name="search">Where to look for the data set (never downloaded).</param>
    public TrainingFiles(DataDirectorySearch search) => dataDirectory = DataSetLocator.FindComplete(DataSet, search)?.Path;

    /// <summary>The routes, for the 404 message.</summary>
    public const string Routes = "GET /v1/train, GET /v1/train/{recipe}/{file}, GET /v1/train/data/{file}";

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/train", ListAsync);
        routes.MapGet("/v1/train/data/{file}", DataAsync);
        routes.MapGet("/v1/train/{recipe}/{file}", ArtifactAsync);
    }

    private Task ListAsync(HttpContext context) => JsonResponse.WriteAsync(context, w =>
    {
        w.WriteStartObject();
        w.WriteString("data_set", DataCatalogName);
        w.WriteBoolean("data", dataDirectory is not null);
        w.WriteStartArray("recipes");
        foreach (TrainingRecipe recipe in Recipes.All.Where(r => r.DataSet == DataCatalogName))
        {
            w.WriteStartObject();
            w.WriteString("name", recipe.Name);
            w.WriteString("describe", TrainingRun.Describe(recipe));
            w.WriteNumber("batch_size", recipe.BatchSize);
            w.WriteNumber("epochs", recipe.Epochs);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private async Task ArtifactAsync(HttpContext context)
    {
        string name = (string)context.Request.RouteValues["recipe"]!;
        string file = (string)context.Request.RouteValues["file"]!;
        TrainingRecipe? recipe = Recipes.All.FirstOrDefault(r => r.Name == name && r.DataSet == DataCatalogName);
        if (recipe is null)
        {
            await HttpError.WriteAsync(context, StatusCodes.Status404NotFound, $"No recipe '{name}'; GET /v1/train lists them.").ConfigureAwait(false);
            return;
        }

        FrozenDictionary<string, byte[]> files = artifacts.GetOrAdd(recipe.Name, _ => new Lazy<FrozenDictionary<string, byte[]>>(() => Build(recipe))).Value;
        if (!files.TryGetValue(file, out byte[]? bytes))
        {
            await HttpError.WriteAsync(context, StatusCodes.Status404NotFound, $"The artifacts hold {string.Join(", ", files.Keys)}; not '{file}'.").ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = file.EndsWith(".json", StringComparison.Ordinal) ? JsonResponse.ContentType : "application/octet-stream";
        context.Response.ContentLength = bytes.Length;
        WebPage.Secure(context.Response);
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task DataAsync(HttpContext context)
    {
        string file = (string)context.Request.RouteValues["file"]!;
        DataSetFile? known = DataSet.Files.FirstOrDefault(f => f.FileName == file);
        string? path = known is null || dataDirectory is null ? null : DataSetLocator.ResolveFile(dataDirectory, known);
        if (known is null || path is null)
        {
            string why = known is null
                ? $"The data set's files are {string.Join(", ", DataSet.Files.Select(f => f.FileName))}; not '{file}'."
                : $"This server has no {DataSet.Name} data set; start it with --data DIR holding its four files, or pick the files on the page.";
            await HttpError.WriteAsync(context, StatusCodes.Status404NotFound, why).ConfigureAwait(false);
            return;
        }

        // The file as stored, .gz or raw IDX: the trainer tells them apart by gzip's magic bytes.
        WebPage.Secure(context.Response);
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = new FileInfo(path).Length;
        await context.Response.SendFileAsync(path, context.RequestAborted).ConfigureAwait(false);
    }

    // As `lenet artifacts --recipe NAME` (and `lenet train --recipe NAME`) make them: through the
    // command line's overrides, which also seed the augmentation with the recipe's seed.
    private static FrozenDictionary<string, byte[]> Build(TrainingRecipe named)
    {
        TrainingRecipe recipe = new RecipeOverrides().ApplyTo(named);
        return RecipeFile.Files(RecipeFile.ArtifactsOf(recipe, labels: DataSet.ClassNames), recipe).ToFrozenDictionary(StringComparer.Ordinal);
    }
}
