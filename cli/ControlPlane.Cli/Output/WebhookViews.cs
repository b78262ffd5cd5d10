using System.Globalization;
using ControlPlane.Cli.Contracts;
using Spectre.Console;

namespace ControlPlane.Cli.Output;

/// <summary>Webhooks and their delivery attempts as tables.</summary>
internal static class WebhookViews
{
    public static Table List(IEnumerable<WebhookResponse> hooks)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("Id", "Url", "Events", "Secret", "Pending", "Created");
        foreach (var hook in hooks)
        {
            table.AddRow(
                Markup.Escape(hook.Id.ToString()),
                Markup.Escape(hook.Url),
                Markup.Escape(string.Join(", ", hook.Events)),
                Markup.Escape(hook.SecretHint + "…"),
                Markup.Escape(hook.Pending.ToString(CultureInfo.InvariantCulture)),
                Markup.Escape(Formats.Time(hook.CreatedAt)));
        }

        return table;
    }

    public static Table Deliveries(IEnumerable<WebhookDeliveryResponse> attempts)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("When", "Event", "Type", "Try", "Status", "Latency", "Next try", "Error");
        foreach (var a in attempts)
        {
            var status = a.DeliveredAt is not null ? "[green]" : "[red]";
            table.AddRow(
                Markup.Escape(Formats.Time(a.At)),
                Markup.Escape(a.EventId.ToString()),
                Markup.Escape(a.EventType),
                Markup.Escape(a.Attempt.ToString(CultureInfo.InvariantCulture)),
                status + Markup.Escape(a.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "-") + "[/]",
                Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{a.LatencyMs:0} ms")),
                Markup.Escape(a.NextTry is null ? "-" : Formats.Time(a.NextTry)),
                Markup.Escape(Formats.Short(a.Error, 60)));
        }

        return table;
    }
}
