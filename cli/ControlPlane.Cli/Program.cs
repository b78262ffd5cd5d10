using ControlPlane.Cli;

return await ControlPlaneCli.RunAsync(args, CliHost.FromProcess());
