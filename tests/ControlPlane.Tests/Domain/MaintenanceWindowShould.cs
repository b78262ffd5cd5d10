using ControlPlane.Grains.Rollouts;

namespace ControlPlane.Tests.Domain;

public sealed class MaintenanceWindowShould
{
    [Theory]
    [InlineData("Mon-Fri", "Mon-Fri")]
    [InlineData("Sat,Sun", "Sat,Sun")]
    [InlineData("mon, wed-fri", "Mon,Wed-Fri")]
    [InlineData("Fri-Mon", "Mon,Fri-Sun")]
    [InlineData("Mon,Tue", "Mon,Tue")]
    [InlineData("*", "*")]
    [InlineData(null, "*")]
    [InlineData("Sun-Sat", "*")]
    public void Read_day_ranges_and_lists_and_give_them_back_in_week_order(string? days, string expected) =>
        Assert.Equal(expected, MaintenanceWindow.Parse(days, "01:00", "05:00", "UTC").DaysText);

    [Theory]
    [InlineData("Mon-Funday", "01:00", "05:00", "UTC", "days")]
    [InlineData("Mon,,Tue", "01:00", "05:00", "UTC", "days")]
    [InlineData("Mon-Tue-Wed", "01:00", "05:00", "UTC", "days")]
    [InlineData("Mon", "1:00", "05:00", "UTC", "from")]
    [InlineData("Mon", "24:00", "05:00", "UTC", "from")]
    [InlineData("Mon", "01:00", "05:60", "UTC", "to")]
    [InlineData("Mon", "01:00", null, "UTC", "to")]
    [InlineData("Mon", "01:00", "05:00", "Mars/Olympus_Mons", "timeZone")]
    public void Name_the_field_at_fault_when_a_window_is_malformed(string? days, string? from, string? to, string? zone, string field)
    {
        var error = Assert.Throws<InvalidMaintenanceWindowException>(() => MaintenanceWindow.Parse(days, from, to, zone));

        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("Asia/Kathmandu")]
    [InlineData("UTC")]
    public void Resolve_iana_time_zones_on_this_machine(string zone) =>
        Assert.Equal(zone, MaintenanceWindow.Parse("*", "01:00", "05:00", zone).TimeZone);

    [Fact]
    public void Be_open_from_its_opening_up_to_but_not_at_its_closing()
    {
        var window = MaintenanceWindow.Parse("Mon-Fri", "01:00", "05:00", "Europe/Berlin");

        // Monday 7 December 2026, CET (+01:00): 01:00-05:00 local is 00:00-04:00 UTC.
        Assert.False(window.IsOpen(Utc("2026-12-06T23:59:59Z")));
        Assert.True(window.IsOpen(Utc("2026-12-07T00:00:00Z")));
        Assert.Equal(Utc("2026-12-07T04:00:00Z"), window.CurrentClosing(Utc("2026-12-07T03:59:00Z")));
        Assert.False(window.IsOpen(Utc("2026-12-07T04:00:00Z")));
        Assert.Equal(Utc("2026-12-08T00:00:00Z"), window.NextOpening(Utc("2026-12-07T04:00:00Z")));
    }

    [Fact]
    public void Skip_the_days_not_listed()
    {
        var window = MaintenanceWindow.Parse("Mon,Wed-Fri", "01:00", "05:00", "UTC");

        Assert.False(window.IsOpen(Utc("2026-12-08T02:00:00Z"))); // Tuesday
        Assert.Equal(Utc("2026-12-09T01:00:00Z"), window.NextOpening(Utc("2026-12-07T05:00:00Z")));
        Assert.Equal(Utc("2026-12-14T01:00:00Z"), window.NextOpening(Utc("2026-12-11T05:00:00Z"))); // Friday -> Monday
    }

    [Fact]
    public void Cross_midnight_when_to_is_not_after_from_counting_the_day_it_opens()
    {
        var window = MaintenanceWindow.Parse("Fri", "22:00", "02:00", "UTC");

        Assert.True(window.IsOpen(Utc("2026-12-11T22:00:00Z")));
        Assert.True(window.IsOpen(Utc("2026-12-12T01:30:00Z"))); // Saturday, still Friday's window
        Assert.Equal(Utc("2026-12-12T02:00:00Z"), window.CurrentClosing(Utc("2026-12-12T01:30:00Z")));
        Assert.False(window.IsOpen(Utc("2026-12-12T22:30:00Z"))); // Saturday's own evening: not listed
        Assert.Equal(Utc("2026-12-18T22:00:00Z"), window.NextOpening(Utc("2026-12-12T02:00:00Z")));
    }

    [Fact]
    public void Last_a_whole_day_when_to_equals_from()
    {
        var window = MaintenanceWindow.Parse("Sat", "06:00", "06:00", "UTC");

        Assert.Equal(Utc("2026-12-13T06:00:00Z"), window.CurrentClosing(Utc("2026-12-12T06:00:00Z")));
        Assert.True(window.IsOpen(Utc("2026-12-13T05:59:00Z")));
    }

    [Fact]
    public void Shift_an_opening_the_clocks_skip_forward_by_the_gap()
    {
        // Berlin, Sunday 29 March 2026: 02:00 CET jumps to 03:00 CEST; 02:30 never happens.
        var window = MaintenanceWindow.Parse("Sun", "02:30", "04:00", "Europe/Berlin");

        var opens = window.NextOpening(Utc("2026-03-28T12:00:00Z"));

        Assert.Equal(Utc("2026-03-29T01:30:00Z"), opens); // 03:30 CEST
        Assert.Equal(Utc("2026-03-29T02:00:00Z"), window.CurrentClosing(opens)); // 04:00 CEST
    }

    [Fact]
    public void Take_the_first_of_a_wall_time_that_happens_twice()
    {
        // Berlin, Sunday 25 October 2026: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
        var window = MaintenanceWindow.Parse("Sun", "02:30", "03:30", "Europe/Berlin");

        var opens = window.NextOpening(Utc("2026-10-24T12:00:00Z"));

        Assert.Equal(Utc("2026-10-25T00:30:00Z"), opens); // 02:30 CEST, the first
        Assert.Equal(Utc("2026-10-25T02:30:00Z"), window.CurrentClosing(opens)); // 03:30 CET: two hours in real time
    }

    [Fact]
    public void Follow_the_zone_offset_on_each_side_of_a_transition()
    {
        // New York, Sunday 8 March 2026: 01:00 EST (-05:00) to 05:00 EDT (-04:00) is three real hours.
        var window = MaintenanceWindow.Parse("*", "01:00", "05:00", "America/New_York");

        Assert.Equal(Utc("2026-03-08T06:00:00Z"), window.NextOpening(Utc("2026-03-08T00:00:00Z")));
        Assert.Equal(Utc("2026-03-08T09:00:00Z"), window.CurrentClosing(Utc("2026-03-08T06:00:00Z")));
        Assert.Equal(Utc("2026-03-09T05:00:00Z"), window.NextOpening(Utc("2026-03-08T09:00:00Z"))); // EDT from now on
    }

    [Fact]
    public void Treat_back_to_back_windows_as_one_stretch_and_open_at_the_earliest()
    {
        IReadOnlyList<MaintenanceWindow> windows =
        [
            MaintenanceWindow.Parse("Mon", "22:00", "00:00", "UTC"),
            MaintenanceWindow.Parse("Tue", "00:00", "03:00", "UTC"),
            MaintenanceWindow.Parse("Sat,Sun", "10:00", "12:00", "UTC"),
        ];

        Assert.Equal(Utc("2026-12-08T03:00:00Z"), windows.CurrentClosing(Utc("2026-12-07T23:00:00Z")));
        Assert.Null(windows.CurrentClosing(Utc("2026-12-08T03:00:00Z")));
        Assert.Equal(Utc("2026-12-12T10:00:00Z"), windows.NextOpening(Utc("2026-12-08T03:00:00Z")));
    }

    [Fact]
    public void Start_at_not_before_inside_a_window_or_at_the_first_opening_after_it()
    {
        IReadOnlyList<MaintenanceWindow> windows = [MaintenanceWindow.Parse("Mon-Fri", "01:00", "05:00", "UTC")];

        Assert.Equal(Utc("2026-12-07T02:00:00Z"), windows.NextRun(Utc("2026-12-07T02:00:00Z")));
        Assert.Equal(Utc("2026-12-14T01:00:00Z"), windows.NextRun(Utc("2026-12-11T06:00:00Z")));
    }

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
