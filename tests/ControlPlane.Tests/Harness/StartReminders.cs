using ControlPlane.Tests.Rollouts;

namespace ControlPlane.Tests.Harness;

/// <summary>
/// For tests of rollouts that wait on their start reminder (scheduled ones, and those waiting for a window): silo
/// settings that lower Orleans' one-minute reminder floor so a schedule plays out in seconds, and the reminder's row.
/// </summary>
public static class StartReminders
{
    public static readonly (string Key, string Value)[] Quick =
    [
        ("Orleans:ReminderService:MinimumReminderPeriod", "00:00:01"),
        ("ControlPlane:Rollouts:ScheduleCheckPeriod", "00:00:02"),
    ];

    /// <summary>The settings of a silo started after the fixture's own: the same catalogue, quick reminders.</summary>
    public static Dictionary<string, string?> NextSiloSettings(RolloutFixture fixture)
    {
        var settings = Quick.ToDictionary(s => s.Key, s => (string?)s.Value);
        settings[fixture.Migrations.Setting.Key] = fixture.Migrations.Path;
        settings["ControlPlane:Database:WorkConnections"] = "4";
        return settings;
    }

    /// <summary>Rows of rollout <paramref name="id"/>'s start reminder in Orleans' reminder table (0 or 1).</summary>
    public static Task<long> CountAsync(TestDatabase database, string id) =>
        database.ScalarAsync<long>("SELECT count(*) FROM orleans.reminders WHERE grain_id LIKE '%' || $1 AND reminder_name = 'start'", id);
}
