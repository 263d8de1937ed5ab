using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace RiskMonitor.Domain.Responsibility;

/// <summary>What an organisation is to the assets that name it (issue 20).</summary>
public enum OrganisationKind
{
    /// <summary>The enterprise or owner / user unit (使用单位): carries the main responsibility (企业主体责任).</summary>
    OwnerUnit,

    /// <summary>The maintenance unit (维保单位) of elevators and other special equipment: it is sent to entrapments.</summary>
    MaintenanceUnit,

    /// <summary>The industry regulator (管行业必须管安全): gas -> city gas authority, lifts -> market regulation, chemicals -> emergency management.</summary>
    Regulator,

    /// <summary>A level of government (district, city) and its duty room.</summary>
    Government,
}

/// <summary>A named person of an organisation, reachable by phone and e-mail (实名制).</summary>
/// <param name="Role">What they are to the organisation: <c>on_call</c>, <c>principal</c> (主要负责人), <c>technical</c> (技术负责人), <c>operations</c> (操作负责人), or free text.</param>
/// <param name="Account">The sign-in name of their account (role <c>unit</c>), when they have one.</param>
public sealed record Person(string Name, string Role, string? Phone, string? Email, string? Account = null)
{
    public const string OnCall = "on_call";
    public const string Principal = "principal";
    public const string Technical = "technical";
    public const string Operations = "operations";

    /// <summary>Why this person cannot be saved, or null: a name and a role, and every field of a sane length.</summary>
    public string? Problem() =>
        string.IsNullOrWhiteSpace(Name) || string.IsNullOrWhiteSpace(Role) ? "Every person has a name and a role."
        : Name.Length > 100 || Role.Length > 50 || Phone?.Length > 50 || Account?.Length > 100 ? "A person's name, role, phone or account is too long."
        : Email is { } e && (e.Length > 254 || !e.Contains('@', StringComparison.Ordinal)) ? "An e-mail address has an '@' and at most 254 characters."
        : null;
}

/// <summary>An organisation in the responsibility chain; a version per change, retired rather than deleted.</summary>
/// <param name="CreditCode">The unified social credit code (统一社会信用代码, GB 32100-2015), 18 characters; unique.</param>
/// <param name="Industry">The industry a regulator regulates (gas, special_equipment, hazardous_chemicals); null for the others.</param>
public sealed record Organisation(
    string Id,
    string Name,
    OrganisationKind Kind,
    string? Industry,
    string? CreditCode,
    ImmutableArray<Person> People,
    int Version = 1,
    bool Retired = false)
{
    /// <summary>Never a default array: a record read from JSON without the member has nobody.</summary>
    public ImmutableArray<Person> People { get; init; } = People.IsDefault ? [] : People;

    // GB 32100-2015: 18 characters from the digits and the capitals without I, O, Z, S, V; the 9th-17th are the
    // organisation code, the 18th a check character.
    private static readonly Regex CreditCodeShape = new("^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$", RegexOptions.CultureInvariant);
    private const string CreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly Regex IdShape = new("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant);

    /// <summary>Who is told first: the person on call, else the first person named; null when nobody is.</summary>
    public Person? FirstContact => People.IsDefaultOrEmpty ? null : People.FirstOrDefault(p => p.Role == Person.OnCall) ?? People[0];

    /// <summary>What is wrong with this record on its own (field name -> message); empty when it may be saved.</summary>
    public IReadOnlyDictionary<string, string[]> Problems()
    {
        var problems = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Id) || !IdShape.IsMatch(Id))
        {
            problems["id"] = ["An organisation id is 1-64 letters, digits, '.', '_' or '-'."];
        }

        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200)
        {
            problems["name"] = ["An organisation has a name of at most 200 characters."];
        }

        if (!Enum.IsDefined(Kind))
        {
            problems["kind"] = ["Kind is owner_unit, maintenance_unit, regulator or government."];
        }

        if (CreditCode is not null && !IsCreditCode(CreditCode))
        {
            problems["creditCode"] = ["A unified social credit code is 18 characters ending in its check character (GB 32100-2015)."];
        }

        if (Kind == OrganisationKind.Regulator && string.IsNullOrWhiteSpace(Industry))
        {
            problems["industry"] = ["A regulator names the industry it regulates."];
        }

        if (Industry?.Length > 50 || (!People.IsDefault && People.Length > 50))
        {
            problems["industry"] = ["An industry name has at most 50 characters, an organisation at most 50 people."];
        }

        if (!People.IsDefault && People.Select(p => p.Problem()).FirstOrDefault(p => p is not null) is { } person)
        {
            problems["people"] = [person];
        }

        return problems;
    }

    /// <summary>Whether <paramref name="code"/> is a unified social credit code: its shape and its check character (weights 3^i mod 31).</summary>
    public static bool IsCreditCode(string code)
    {
        if (code is null || !CreditCodeShape.IsMatch(code))
        {
            return false;
        }

        var sum = 0;
        var weight = 1;
        for (var i = 0; i < 17; i++)
        {
            sum += CreditCodeAlphabet.IndexOf(code[i], StringComparison.Ordinal) * weight;
            weight = weight * 3 % 31;
        }

        return code[17] == CreditCodeAlphabet[(31 - (sum % 31)) % 31];
    }
}

/// <summary>
/// The parties answerable for one asset: its owner unit, its maintenance unit (special equipment), its industry
/// regulator, and for a major hazard source its three 包保 persons (主要负责人, 技术负责人, 操作负责人).
/// </summary>
public sealed record AssetParties(
    string AssetId,
    string OwnerUnitId,
    string? MaintenanceUnitId,
    string? RegulatorId,
    ImmutableArray<Person> Guarantors,
    int Version = 1)
{
    /// <summary>Never a default array: parties read from JSON without the member have no 包保 persons.</summary>
    public ImmutableArray<Person> Guarantors { get; init; } = Guarantors.IsDefault ? [] : Guarantors;

    /// <summary>
    /// What is wrong with these parties given the organisations known (field -> message): an unknown or retired
    /// organisation, one of the wrong kind, a hazard source without its three 包保 persons.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Problems(string assetKind, Func<string, Organisation?> find)
    {
        ArgumentNullException.ThrowIfNull(find);
        var problems = new Dictionary<string, string[]>();
        Check("ownerUnitId", OwnerUnitId, OrganisationKind.OwnerUnit, required: true);
        Check("maintenanceUnitId", MaintenanceUnitId, OrganisationKind.MaintenanceUnit, required: false);
        Check("regulatorId", RegulatorId, OrganisationKind.Regulator, required: false);
        if (!Guarantors.IsDefault && Guarantors.Select(p => p.Problem()).FirstOrDefault(p => p is not null) is { } person)
        {
            problems["guarantors"] = [person];
        }
        else if (assetKind == "hazard_source")
        {
            var roles = Guarantors.IsDefault ? [] : Guarantors.Select(g => g.Role).ToHashSet(StringComparer.Ordinal);
            if (!roles.SetEquals([Person.Principal, Person.Technical, Person.Operations]))
            {
                problems["guarantors"] = ["A major hazard source names its three 包保 persons: principal, technical and operations."];
            }
        }

        return problems;

        void Check(string field, string? id, OrganisationKind kind, bool required)
        {
            if (id is null)
            {
                if (required)
                {
                    problems[field] = ["An asset names its owner unit."];
                }

                return;
            }

            var org = find(id);
            if (org is null || org.Retired)
            {
                problems[field] = [$"No organisation '{id}'."];
            }
            else if (org.Kind != kind)
            {
                problems[field] = [$"'{id}' is a {org.Kind}, not a {kind}."];
            }
        }
    }
}
