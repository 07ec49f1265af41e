using LeNetOnnx.Builder;
using LeNetOnnx.Builder.LeNet;
using LeNetOnnx.Builder.Training;
using LeNetOnnx.Trainer.Loop;

namespace LeNetOnnx.Trainer.Tests.Loop;

[TestClass]
public sealed class RecipeOverridesTests
{
    [TestMethod]
    public void RecipeOverrides_NoneGivenKeepTheRecipe()
    {
        foreach (TrainingRecipe recipe in Recipes.All)
        {
            Assert.AreEqual(recipe with { Augmentation = recipe.Augmentation with { Seed = recipe.Seed } }, new RecipeOverrides().ApplyTo(recipe), recipe.Name);
        }
    }

    [TestMethod]
    public void RecipeOverrides_AnotherOptimizerStartsFromItsLibrarysDefaultsWithTheRecipesRate()
    {
        TrainingRecipe keras = new RecipeOverrides { Optimizer = OptimizerKind.Adam }.ApplyTo(Recipes.Keras);
        Assert.AreEqual(OptimizerKind.Adam, keras.Optimizer.Kind);
        Assert.AreEqual(1e-8, keras.Optimizer.Epsilon, "torch's Adam ε, not Keras' 1e-7");
        Assert.AreEqual(Recipes.Keras.Optimizer.LearningRate, keras.Optimizer.LearningRate);
        Assert.AreEqual(1e-7, Recipes.Keras.Optimizer.Epsilon);

        TrainingRecipe tutorial = new RecipeOverrides { LearningRate = 0.01 }.ApplyTo(Recipes.MnistTutorial);
        Assert.AreEqual(0.9, tutorial.Optimizer.Momentum, "the same optimizer keeps its other values");
        Assert.AreEqual(0.01, tutorial.Optimizer.LearningRate);
    }

    [TestMethod]
    public void RecipeOverrides_TheSeedAlsoSeedsTheAugmentationAndValuesAreChecked()
    {
        TrainingRecipe best = new RecipeOverrides { Seed = 9, LabelSmoothing = 0.2, Variant = LeNetVariants.Classic }.ApplyTo(Recipes.Best);
        Assert.AreEqual(9UL, best.Augmentation.Seed);
        Assert.AreEqual(0.2, best.Loss.LabelSmoothing);
        Assert.AreEqual("classic", best.Variant.Variant);
        Assert.ThrowsExactly<InvalidOptionException>(() => new RecipeOverrides { DataSet = "cifar" }.ApplyTo(Recipes.D2l));
        Assert.ThrowsExactly<InvalidOptionException>(() => new RecipeOverrides { LabelSmoothing = 1 }.ApplyTo(Recipes.D2l));
    }

    [TestMethod]
    public void Recipes_FollowTheirSources()
    {
        Assert.AreEqual(0.001, Recipes.MnistTutorial.Optimizer.LearningRate);
        Assert.AreEqual(0.9, Recipes.MnistTutorial.Optimizer.Momentum);
        Assert.IsTrue(Recipes.MnistTutorial.Loss.OfSoftmax, "the tutorial's net ends in softmax before CrossEntropyLoss");
        Assert.AreEqual(200, Recipes.MnistTutorial.RunningLossInterval);
        Assert.AreEqual(OptimizerKind.KerasAdam, Recipes.Keras.Optimizer.Kind);
        Assert.AreEqual("sigmoid-max-96", Recipes.Mxnet.Variant.Variant);
        Assert.AreEqual(256, Recipes.Mxnet.LossDivisor);
        Assert.AreEqual(0, Recipes.Mxnet.Optimizer.Momentum);
        Assert.AreEqual(WeightInit.Lecun1998, Recipes.Lenet1998.Variant.Init);
        Assert.AreEqual(C3Connections.Lecun1998, Recipes.Lenet1998.Variant.C3Connections);
        Assert.AreEqual("lenet-classic.onnx", Recipes.D2l.ModelFileName);
        Assert.AreEqual("lenet-keras.onnx", Recipes.Keras.ModelFileName);
    }
}
