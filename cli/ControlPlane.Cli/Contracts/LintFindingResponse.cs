namespace ControlPlane.Cli.Contracts;

/// <summary>A lint finding in a migration file: where, which rule, how bad, and the safe form.</summary>
internal sealed record LintFindingResponse(string File, int Line, string Rule, string Severity, string Message, string Fix);
