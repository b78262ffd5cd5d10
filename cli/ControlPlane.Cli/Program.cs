namespace ControlPlane.Cli;

// Not top-level statements: their global Program class would collide with the silo's in the tests, which see both.
internal static class Program
{
    public static Task<int> Main(string[] args) => ControlPlaneCli.RunAsync(args, CliHost.FromProcess());
}
