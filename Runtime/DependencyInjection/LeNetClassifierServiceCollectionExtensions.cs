using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LeNetOnnx.Runtime.DependencyInjection;

/// <summary>Registers <see cref="LeNetClassifier"/> and <see cref="BatchingClassifier"/> with a dependency injection container.</summary>
public static class LeNetClassifierServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="LeNetClassifier"/> loaded from
    /// <see cref="LeNetClassifierRegistrationOptions.ModelPath"/>, and loads it when the host starts
    /// (like <c>ValidateOnStart</c>): a missing, corrupt or foreign model stops startup with the
    /// loader's own error, which names the file, instead of failing the first request.
    /// The load is logged at Information through <c>ILogger&lt;LeNetClassifier&gt;</c> when logging is registered.
    /// Also registers a singleton <see cref="BatchingClassifier"/> over that classifier, with
    /// <see cref="LeNetClassifierRegistrationOptions.Batching"/>; its worker starts when it is first resolved.
    /// </summary>
    /// <param name="services">The services to add to.</param>
    /// <param name="configure">Sets the model path and options; runs after any configuration binding registered before this call.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// Outside a host (a bare <c>ServiceProvider</c>) nothing runs at startup: the model loads on
    /// first resolution, and the same errors are thrown there. The container owns both singletons
    /// and disposes them with itself, the batching front first. <see cref="BatchingClassifier"/> is
    /// only <see cref="IAsyncDisposable"/>: dispose a bare <c>ServiceProvider</c> with
    /// <c>DisposeAsync</c> (hosts already do).
    /// </remarks>
    /// <example>
    /// <code>
    /// HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
    /// builder.Services.AddLeNetClassifier(lenet => lenet.ModelPath = "models/lenet-classic.onnx");
    /// using IHost host = builder.Build();
    /// await host.StartAsync();   // throws here if the model cannot be loaded
    /// LeNetClassifier classifier = host.Services.GetRequiredService&lt;LeNetClassifier&gt;();
    /// BatchingClassifier batching = host.Services.GetRequiredService&lt;BatchingClassifier&gt;();   // for many concurrent callers
    /// </code>
    /// </example>
    public static IServiceCollection AddLeNetClassifier(this IServiceCollection services, Action<LeNetClassifierRegistrationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddLeNetClassifier();
        services.Configure(configure);
        return services;
    }

    /// <summary>
    /// Registers the singletons <see cref="LeNetClassifier"/> and <see cref="BatchingClassifier"/> as
    /// <see cref="AddLeNetClassifier(IServiceCollection, Action{LeNetClassifierRegistrationOptions})"/>
    /// does, with <see cref="LeNetClassifierRegistrationOptions"/> configured elsewhere, e.g. bound
    /// from the <c>LeNet</c> configuration section.
    /// </summary>
    /// <param name="services">The services to add to.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <example>
    /// <code>
    /// // appsettings.json: { "LeNet": { "ModelPath": "models/lenet-classic.onnx", "Classifier": { "IntraOpThreads": 2 } } }
    /// services.AddOptions&lt;LeNetClassifierRegistrationOptions&gt;().BindConfiguration(LeNetClassifierRegistrationOptions.SectionName);
    /// services.AddLeNetClassifier();
    /// </code>
    /// </example>
    public static IServiceCollection AddLeNetClassifier(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<LeNetClassifierRegistrationOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeNetClassifierRegistrationOptions>, LeNetClassifierRegistrationValidator>());
        services.TryAddSingleton(LeNetClassifierLoader.Load);
        services.TryAddSingleton(static provider => new BatchingClassifier(
            provider.GetRequiredService<LeNetClassifier>(),
            provider.GetRequiredService<IOptions<LeNetClassifierRegistrationOptions>>().Value.Batching));

        // The host runs every ValidateOnStart check before it starts; this one loads the model by
        // resolving the singleton, so load errors surface as they are (FileNotFoundException,
        // LeNetModelException) rather than at the first request. Registering it twice is harmless.
        services.AddOptions<ModelLoadedAtStartup>()
            .Validate<IServiceProvider>(static (_, provider) => provider.GetRequiredService<LeNetClassifier>() is not null)
            .ValidateOnStart();
        return services;
    }

    /// <summary>The options whose start-up validation loads the model; it holds nothing.</summary>
    private sealed class ModelLoadedAtStartup;
}
