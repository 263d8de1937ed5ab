using System.Reflection;
using Microsoft.Extensions.Logging;

namespace RiskMonitor.Server.Tests.Platform.Observability;

/// <summary>
/// Log event ids are how an operator filters and alerts on a log line, so each means one thing: unique across the server
/// and the libraries it loads, and inside the range of the project that logs it. This table is the one list of ranges.
/// </summary>
public sealed class LogEventIdTests
{
    private static readonly (string Assembly, int From, int To)[] Ranges =
    [
        ("RiskMonitor.Ingestion", 1000, 1999),
        ("RiskMonitor.Grains", 2000, 2999),
        ("RiskMonitor.Storage", 3000, 3999),
        ("RiskMonitor.Server", 4000, 4999),
        // 5000-5999: the simulator, a process of its own.
    ];

    private static IEnumerable<(string Assembly, string Method, int Id)> EventIds() =>
        from range in Ranges
        let assembly = Assembly.Load(range.Assembly)
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
        let message = method.GetCustomAttribute<LoggerMessageAttribute>()
        where message is not null
        select (range.Assembly, $"{type.FullName}.{method.Name}", message.EventId);

    [Fact]
    public void Every_event_id_is_used_once()
    {
        var ids = EventIds().ToList();

        var reused = ids.GroupBy(i => i.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(i => i.Method))}").ToList();

        Assert.True(ids.Count > 100, $"only {ids.Count} [LoggerMessage] methods found: is the reflection still looking in the right places?");
        Assert.Empty(reused);
    }

    [Fact]
    public void Every_event_id_lies_in_its_projects_range()
    {
        var outside = EventIds()
            .Where(i => Ranges.Single(r => r.Assembly == i.Assembly) is var range && (i.Id < range.From || i.Id > range.To))
            .Select(i => $"{i.Method}: {i.Id}")
            .ToList();

        Assert.Empty(outside);
    }
}
