using LeNetOnnx.Runtime;

using LeNetClassifier classifier = LeNetClassifier.Load(args.Length > 0 ? args[0] : "models/lenet-classic.onnx");

// One image: 784 grey pixels 0..255, row-major, as in the IDX files.
byte[] pixels = new byte[LeNetClassifier.PixelsPerImage];
Prediction prediction = classifier.Classify(pixels);
Console.WriteLine($"{prediction.LabelName} ({prediction.Probability:0.000})");

// A batch of N images as pixel/255 into buffers you own: N*784 in, N*10 logits and probabilities out.
float[] images = new float[4 * LeNetClassifier.PixelsPerImage], logits = new float[40], probabilities = new float[40];
classifier.Classify(images, logits, probabilities);
