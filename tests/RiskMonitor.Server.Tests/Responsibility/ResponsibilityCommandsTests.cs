using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Domain.Responsibility;
using RiskMonitor.Server.Responsibility;
using RiskMonitor.Server.Tests.Fakes;
using RiskMonitor.Storage.Responsibility;

namespace RiskMonitor.Server.Tests.Responsibility;

/// <summary>Organisations and asset parties written in process on the in-memory register: each refusal changes nothing.</summary>
public sealed class ResponsibilityCommandsTests
{
    private const string CreditCode = "91350100M000100Y43";

    private readonly FakeTimeProvider _time = new(InMemoryPorts.T0);
    private readonly InMemoryPorts _ports = new(("el-1", "r-east"));
    private readonly InMemoryResponsibilityStore _store = new();
    private readonly ResponsibilityCommands _commands;

    public ResponsibilityCommandsTests()
    {
        _ports.Add("hs-1", "r-east", kind: "hazard_source", industry: "hazardous_chemicals");
        _commands = new ResponsibilityCommands(_store, _ports, _time);
    }

    [Fact]
    public async Task An_organisation_is_created_at_version_1_then_changed_by_naming_it_and_a_stale_version_or_an_unknown_id_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;

        var created = await _commands.SaveOrganisationAsync("ou-1", Owner("ou-1", "演示燃气有限公司", CreditCode.ToLowerInvariant()), null, InMemoryPorts.CityWide, ct);
        var changed = await _commands.SaveOrganisationAsync("ou-1", Owner("ou-1", "演示燃气集团", CreditCode) with { Version = 1 }, 1, InMemoryPorts.CityWide, ct);
        var stale = await _commands.SaveOrganisationAsync("ou-1", Owner("ou-1", "旧版本", CreditCode) with { Version = 1 }, 1, InMemoryPorts.CityWide, ct);
        var unknown = await _commands.SaveOrganisationAsync("ou-9", Owner(null, "无此单位", null) with { Version = 1 }, 1, InMemoryPorts.CityWide, ct);
        var twice = await _commands.SaveOrganisationAsync("ou-1", Owner("ou-1", "重复", null), null, InMemoryPorts.CityWide, ct);

        var organisation = Assert.IsType<Created<Organisation>>(created.Result);
        Assert.Equal(("/api/organisations/ou-1", 1, CreditCode), (organisation.Location, organisation.Value!.Version, organisation.Value.CreditCode));
        Assert.Equal(2, Assert.IsType<Ok<Organisation>>(changed.Result).Value!.Version);
        Assert.Equal(("Changed meanwhile", 409), (Assert.IsType<ProblemHttpResult>(stale.Result).ProblemDetails.Title, Assert.IsType<ProblemHttpResult>(stale.Result).StatusCode));
        Assert.Equal(("Unknown organisation", 404), (Assert.IsType<ProblemHttpResult>(unknown.Result).ProblemDetails.Title, Assert.IsType<ProblemHttpResult>(unknown.Result).StatusCode));
        Assert.Equal("Already exists", Assert.IsType<ProblemHttpResult>(twice.Result).ProblemDetails.Title);
        var stored = await _store.FindOrganisationAsync("ou-1", ct);
        Assert.Equal(("演示燃气集团", 2), (stored?.Name, stored?.Version));
        Assert.Null(await _store.FindOrganisationAsync("ou-9", ct));
    }

    [Fact]
    public async Task A_credit_code_another_organisation_has_a_wrong_check_character_or_a_body_naming_another_id_is_refused_and_nothing_is_saved()
    {
        var ct = TestContext.Current.CancellationToken;
        await _commands.SaveOrganisationAsync("ou-1", Owner("ou-1", "演示燃气有限公司", CreditCode), null, InMemoryPorts.CityWide, ct);

        var duplicate = await _commands.SaveOrganisationAsync("ou-2", Owner("ou-2", "另一公司", CreditCode), null, InMemoryPorts.CityWide, ct);
        var badCheck = await _commands.SaveOrganisationAsync("ou-3", Owner("ou-3", "校验错", "91350100M000100Y44"), null, InMemoryPorts.CityWide, ct);
        var otherId = await _commands.SaveOrganisationAsync("ou-1", Owner("ou-x", "别的", null) with { Version = 1 }, 1, InMemoryPorts.CityWide, ct);
        var noBody = await _commands.SaveOrganisationAsync(null, null, null, InMemoryPorts.CityWide, ct);

        var problem = Assert.IsType<ProblemHttpResult>(duplicate.Result);
        Assert.Equal(("Duplicate credit code", 409), (problem.ProblemDetails.Title, problem.StatusCode));
        Assert.Contains(CreditCode, problem.ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.True(Assert.IsType<ValidationProblem>(badCheck.Result).ProblemDetails.Errors.ContainsKey("creditCode"));
        Assert.True(Assert.IsType<ValidationProblem>(otherId.Result).ProblemDetails.Errors.ContainsKey("id"));
        Assert.True(Assert.IsType<ValidationProblem>(noBody.Result).ProblemDetails.Errors.ContainsKey("body"));
        Assert.Equal(["ou-1"], (await _store.ListOrganisationsAsync(ct)).Select(o => o.Id));
    }

    [Fact]
    public async Task Parties_need_a_known_asset_an_owner_unit_that_exists_with_the_right_kind_and_a_hazard_sources_three_guarantors()
    {
        var ct = TestContext.Current.CancellationToken;
        await _commands.SaveOrganisationAsync("ou-1", Owner("ou-1", "演示燃气有限公司", null), null, InMemoryPorts.CityWide, ct);

        var unknownAsset = await _commands.SetPartiesAsync("el-none", new AssetPartiesRequest("ou-1", null, null, null), InMemoryPorts.CityWide, ct);
        var missingUnit = await _commands.SetPartiesAsync("el-1", new AssetPartiesRequest(" ", null, null, null), InMemoryPorts.CityWide, ct);
        var unknownOrganisation = await _commands.SetPartiesAsync("el-1", new AssetPartiesRequest("ou-9", null, null, null), InMemoryPorts.CityWide, ct);
        var wrongKind = await _commands.SetPartiesAsync("el-1", new AssetPartiesRequest("ou-1", "ou-1", null, null), InMemoryPorts.CityWide, ct);
        var noGuarantors = await _commands.SetPartiesAsync("hs-1", new AssetPartiesRequest("ou-1", null, null, null), InMemoryPorts.CityWide, ct);
        var tooMany = await _commands.SetPartiesAsync(
            "el-1", new AssetPartiesRequest("ou-1", null, null, [.. Enumerable.Range(0, 11).Select(i => new PersonRequest($"人{i}", "principal", null, null, null))]),
            InMemoryPorts.CityWide, ct);

        Assert.Equal(("Unknown asset", 404), (Assert.IsType<ProblemHttpResult>(unknownAsset.Result).ProblemDetails.Title, Assert.IsType<ProblemHttpResult>(unknownAsset.Result).StatusCode));
        Assert.Contains("owner unit", Assert.IsType<ValidationProblem>(missingUnit.Result).ProblemDetails.Errors["ownerUnitId"][0], StringComparison.Ordinal);
        Assert.Contains("ou-9", Assert.IsType<ValidationProblem>(unknownOrganisation.Result).ProblemDetails.Errors["ownerUnitId"][0], StringComparison.Ordinal);
        Assert.Contains("OwnerUnit", Assert.IsType<ValidationProblem>(wrongKind.Result).ProblemDetails.Errors["maintenanceUnitId"][0], StringComparison.Ordinal);
        Assert.True(Assert.IsType<ValidationProblem>(noGuarantors.Result).ProblemDetails.Errors.ContainsKey("guarantors"));
        Assert.True(Assert.IsType<ValidationProblem>(tooMany.Result).ProblemDetails.Errors.ContainsKey("guarantors"));
        Assert.Null(await _store.FindPartiesAsync("el-1", ct));
        Assert.Null(await _store.FindPartiesAsync("hs-1", ct));
    }

    [Fact]
    public async Task Parties_are_set_without_a_version_then_changed_with_the_one_read_and_a_stale_or_missing_record_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await _commands.SaveOrganisationAsync("ou-1", Owner("ou-1", "演示燃气有限公司", null), null, InMemoryPorts.CityWide, ct);
        await _commands.SaveOrganisationAsync("ou-2", Owner("ou-2", "新业主", null), null, InMemoryPorts.CityWide, ct);

        var notYet = await _commands.SetPartiesAsync("el-1", new AssetPartiesRequest("ou-1", null, null, null, Version: 1), InMemoryPorts.CityWide, ct);
        var set = await _commands.SetPartiesAsync("el-1", new AssetPartiesRequest("ou-1", " ", null, null), InMemoryPorts.CityWide, ct);
        var changed = await _commands.SetPartiesAsync("el-1", new AssetPartiesRequest("ou-2", null, null, null, Version: 1), InMemoryPorts.CityWide, ct);
        var stale = await _commands.SetPartiesAsync("el-1", new AssetPartiesRequest("ou-1", null, null, null, Version: 1), InMemoryPorts.CityWide, ct);

        Assert.Equal(404, Assert.IsType<ProblemHttpResult>(notYet.Result).StatusCode);
        var first = Assert.IsType<Ok<AssetParties>>(set.Result).Value!;
        Assert.Equal(("ou-1", null, 1), (first.OwnerUnitId, first.MaintenanceUnitId, first.Version)); // a blank unit is none
        Assert.Equal(2, Assert.IsType<Ok<AssetParties>>(changed.Result).Value!.Version);
        Assert.Equal(409, Assert.IsType<ProblemHttpResult>(stale.Result).StatusCode);
        Assert.Equal("ou-2", (await _store.FindPartiesAsync("el-1", ct))?.OwnerUnitId);
    }

    private static OrganisationRequest Owner(string? id, string name, string? creditCode) =>
        new(id, name, OrganisationKind.OwnerUnit, null, creditCode, [new PersonRequest("李强", Person.OnCall, "0571-01234567", "duty@ou.example", null)]);
}
