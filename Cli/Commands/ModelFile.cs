using LeNetOnnx.Runtime;

namespace LeNetOnnx.Cli.Commands;

/// <summary>The <c>--model</c> of evaluate, predict, serve and bench: loaded through the Runtime library.</summary>
internal static class ModelFile
{
    /// <summary>Loads a model, turning the library's load errors into the user-facing kind.</summary>
    public static LeNetClassifier Load(string path, LeNetClassifierOptions? options = null)
    {
        try
        {
            return LeNetClassifier.Load(path, options);
        }
        catch (LeNetModelException e)
        {
            throw new UsageException($"'{path}' cannot be used: {e.Message}");
        }
        catch (FileNotFoundException)
        {
            throw new UsageException($"The model '{path}' does not exist.");
        }
    }
}
