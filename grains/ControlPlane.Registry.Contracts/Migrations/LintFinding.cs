namespace ControlPlane.Registry.Contracts.Migrations;

/// <summary>One thing the migration lint found in a catalogue file (rules and examples: docs/rollouts.md, "Lint").</summary>
/// <param name="File">The migration file's name.</param>
/// <param name="Line">1-based line in the file where the offending clause starts.</param>
/// <param name="Rule">The rule's stable kebab-case id, e.g. <c>create-index-not-concurrently</c>; what <c>acceptLint</c> names.</param>
/// <param name="Severity">Errors stop a rollout unless accepted; warnings are only shown.</param>
/// <param name="Message">What is wrong, naming the table or column.</param>
/// <param name="Fix">One line: the safe form.</param>
public sealed record LintFinding(string File, int Line, string Rule, LintSeverity Severity, string Message, string Fix);
