using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Storage.Responsibility;
using RiskMonitor.Storage.Tests.Postgres;

namespace RiskMonitor.Storage.Tests.Responsibility;

/// <summary>
/// The parties of many assets in one read (a circular's, decision 0061), on PostgreSQL and in memory alike: those on
/// record with their version, none for an asset without, each asked-for id once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PartiesOfTests(PostgresFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_parties_on_record_of_the_assets_asked_for_come_back_with_their_versions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dataSource = await fixture.NewMigratedDatabaseAsync(ct);
        IResponsibilityStore[] stores = [new PostgresResponsibilityStore(dataSource), new InMemoryResponsibilityStore()];
        foreach (var store in stores)
        {
            Assert.True(await store.SeedAsync(
                [new Organisation("ou-1", "滨江燃气集团", OrganisationKind.OwnerUnit, null, null, []), new Organisation("ou-2", "城西燃气", OrganisationKind.OwnerUnit, null, null, [])],
                [new AssetParties("gp-1", "ou-1", null, null, []), new AssetParties("gp-2", "ou-1", null, null, [])], T0, ct));
            var current = await store.FindPartiesAsync("gp-2", ct);
            Assert.Equal(RegistryWriteOutcome.Saved, (await store.SavePartiesAsync(current! with { OwnerUnitId = "ou-2" }, "gas_pipeline", current.Version, "li.na", T0, ct)).Outcome);

            var found = await store.PartiesOfAsync(["gp-1", "gp-2", "gp-2", "gp-none"], ct);
            var none = await store.PartiesOfAsync([], ct);

            Assert.Equal(["gp-1", "gp-2"], found.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(("ou-1", "ou-2"), (found["gp-1"].OwnerUnitId, found["gp-2"].OwnerUnitId));
            Assert.Equal(current.Version + 1, found["gp-2"].Version);
            Assert.Empty(none);
        }
    }
}
