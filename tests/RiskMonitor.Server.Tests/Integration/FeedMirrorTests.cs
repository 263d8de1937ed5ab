using System.Text.Json;
using RiskMonitor.FeedConsumer;

namespace RiskMonitor.Server.Tests.Integration;

/// <summary>The reference consumer's mirror on its own: repeats, unknown types, newer schemas, its file.</summary>
public sealed class FeedMirrorTests
{
    [Fact]
    public void Repeats_are_ignored_by_cursor_and_unknown_types_are_counted_and_passed()
    {
        var mirror = new FeedMirror();

        Assert.True(mirror.Apply(Event(1, "alert.raised", """{"alert":{"alertId":"a1","state":"open"}}""")));
        Assert.True(mirror.Apply(Event(2, "vehicle.moved", """{"anything":1}""")));
        Assert.False(mirror.Apply(Event(1, "alert.raised", """{"alert":{"alertId":"a1","state":"closed"}}""")));
        Assert.True(mirror.Apply(Event(3, "region.changed", """{"region":{"regionId":"d-west","colour":"red","inherentColour":"blue"}}""")));

        Assert.Equal((3L, 3, 1, 1), (mirror.Cursor, mirror.Applied, mirror.Repeats, mirror.Unknown));
        Assert.Equal("open", mirror.Alerts["a1"].GetProperty("state").GetString());
        Assert.Equal(new RegionColours("red", "blue"), mirror.Regions["d-west"]);
    }

    [Fact]
    public void A_newer_schema_version_of_a_known_type_stops_the_mirror_instead_of_misreading_it()
    {
        var mirror = new FeedMirror();

        Assert.Throws<NotSupportedException>(() => mirror.Apply(Event(1, "hazard.reported", """{"hazard":{"hazardId":"h1"}}""", schemaVersion: 2)));
        Assert.Equal(0, mirror.Cursor);
    }

    [Fact]
    public async Task The_mirror_file_round_trips_cursor_and_state()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(Directory.CreateTempSubdirectory("rm-mirror-").FullName, "mirror.json");
        var mirror = new FeedMirror();
        mirror.Apply(Event(4, "hazard.assigned", """{"hazard":{"hazardId":"h1","status":"assigned"}}"""));
        mirror.Apply(Event(9, "region.changed", """{"region":{"regionId":"d-east","colour":null,"inherentColour":"yellow"}}"""));

        await mirror.SaveAsync(path, ct);
        var loaded = await FeedMirror.LoadAsync(path, ct);

        Assert.Equal(9, loaded.Cursor);
        Assert.Equal("assigned", loaded.Hazards["h1"].GetProperty("status").GetString());
        Assert.Equal(new RegionColours(null, "yellow"), loaded.Regions["d-east"]);
        Assert.False(loaded.Apply(Event(9, "region.changed", """{"region":{"regionId":"d-east","colour":"red"}}""")));
    }

    private static JsonElement Event(long cursor, string type, string payload, int schemaVersion = 1) =>
        JsonDocument.Parse($$"""{"cursor":{{cursor}},"type":"{{type}}","schemaVersion":{{schemaVersion}},"occurredAt":"2026-11-25T12:00:00.000Z","assetId":null,"regionId":null,"payload":{{payload}}}""").RootElement;
}
