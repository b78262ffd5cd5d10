namespace ControlPlane.Grains.Tenants.Moves;

/// <summary>One table of a move: the rows copied and the checksum both sides agreed on.</summary>
public sealed record MovedTable(string Table, long Rows, string Checksum);
