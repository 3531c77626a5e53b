using System.CommandLine;
using HeCompute.Cli;
using HeCompute.Cli.Commands;

var root = new RootCommand("hecompute: homomorphically encrypted image analytics from the command line. Only ciphertexts and evaluation keys leave this machine.");
GlobalOptions.AddTo(root);
root.Add(KeysCommands.Create());
root.Add(DicomCommands.Create());
root.Add(FeaturesCommand.Create());
root.Add(PredictCommand.Create());
root.Add(DatasetCommands.Create());
root.Add(StatsCommand.Create());
root.Add(JobsCommands.Create());
root.Add(ModelsCommands.Create());
root.Add(AuditCommands.Create());
root.Add(DemoCommand.Create());
root.Add(CkksCommands.Create());
return await root.Parse(args).InvokeAsync();
