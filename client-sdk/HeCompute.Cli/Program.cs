using System.CommandLine;
using HeCompute.Cli.Commands;

namespace HeCompute.Cli;

/// <summary>The <c>hecompute</c> entry point: the command tree and its invocation.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
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
    }
}
