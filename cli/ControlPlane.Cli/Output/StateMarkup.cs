using ControlPlane.Cli.Contracts;
using Spectre.Console;

namespace ControlPlane.Cli.Output;

/// <summary>States in colour: green done, red failed, yellow waiting on an operator, blue in progress.</summary>
internal static class StateMarkup
{
    public static string Tenant(string state) => Paint(state, state switch
    {
        TenantStates.Active => "green",
        TenantStates.Failed => "red",
        TenantStates.Suspended or TenantStates.Retained => "yellow",
        TenantStates.Deleted or "Deprovisioning" => "grey",
        _ => "blue",
    });

    public static string Rollout(string state) => Paint(state, state switch
    {
        RolloutStates.Completed => "green",
        RolloutStates.Halted => "red",
        RolloutStates.Paused => "yellow",
        RolloutStates.Cancelled => "grey",
        RolloutStates.Scheduled or RolloutStates.WaitingForWindow => "cyan",
        _ => "blue",
    });

    private static string Paint(string text, string colour) => $"[{colour}]{Markup.Escape(text)}[/]";
}
