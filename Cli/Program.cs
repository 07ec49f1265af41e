using LeNetOnnx.Cli;

return LenetApp.Run(args, Console.Out, Console.Error);
