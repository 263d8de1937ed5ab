using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace RiskMonitor.Simulator.City;

/// <summary>
/// The demo city's responsibility chain (issue 20), derived from its assets: every owner unit named in the asset file
/// as an organisation with a unified social credit code and a person on call; four elevator maintenance units, each
/// with a sign-in account for its unit page (<c>mu-01.duty</c>..); the three industry regulators; the city and its
/// districts; and each asset's parties, with a hazard source's three 包保 persons. Deterministic: the same assets give
/// the same bytes. Every code, phone and address is invented: phones are 0571-0xxxxxxx (no real line), e-mail under
/// the reserved <c>example.cn</c>-style <c>.example</c> domain (RFC 2606).
/// </summary>
internal static class ResponsibilityGenerator
{
    public const string DefaultFileName = "responsibility.json";

    // GB 32100-2015: the code's alphabet (no I, O, Z, S, V) and the check character's weights 3^i mod 31.
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly (string Id, string Name, string Industry, string Person, string Phone)[] Regulators =
    [
        ("reg-gas", "演示市住房和城乡建设局（城市燃气管理处）", "gas", "周建华", "0571-07110001"),
        ("reg-se", "演示市市场监督管理局（特种设备安全监察处）", "special_equipment", "钱立新", "0571-07110002"),
        ("reg-hc", "演示市应急管理局（危险化学品安全监督管理处）", "hazardous_chemicals", "冯海涛", "0571-07110003"),
    ];

    private static readonly (string Name, string Person)[] MaintenanceUnits =
    [
        ("演示市安达电梯工程有限公司", "陈志强"),
        ("演示市通力捷电梯维保有限公司", "黄晓东"),
        ("演示市恒升电梯服务有限公司", "刘国平"),
        ("演示市迅达安电梯技术有限公司", "何文军"),
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
    private static readonly string[] GivenNames = ["建军", "海峰", "丽华", "志勇", "晓明", "桂英", "国强", "文静"];

    public static byte[] Generate(IReadOnlyList<GeneratedAsset> assets, IReadOnlyList<GeneratedRegion> regions)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(regions);
        var organisations = new List<object>();
        var ownerIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (owner, index) in assets.GroupBy(a => a.OwnerUnit).OrderBy(g => g.Key, StringComparer.Ordinal).Select((g, i) => (g, i + 1)))
        {
            var id = $"ou-{index:000}";
            ownerIds[owner.Key] = id;
            var first = owner.OrderBy(a => a.Id, StringComparer.Ordinal).First().Responsible;
            organisations.Add(Organisation(id, owner.Key, "owner_unit", null, CreditCode("91330100", $"owner-{index}"),
                [Person(first.Name, "on_call", first.Phone, $"duty@{id}.example", null)]));
        }

        for (var i = 0; i < MaintenanceUnits.Length; i++)
        {
            var id = $"mu-{i + 1:00}";
            organisations.Add(Organisation(id, MaintenanceUnits[i].Name, "maintenance_unit", null, CreditCode("91330100", $"maintenance-{i + 1}"),
                [Person(MaintenanceUnits[i].Person, "on_call", $"0571-0712{i + 1:0000}", $"rescue@{id}.example", $"{id}.duty")]));
        }

        foreach (var regulator in Regulators)
        {
            organisations.Add(Organisation(regulator.Id, regulator.Name, "regulator", regulator.Industry, CreditCode("11330100", $"regulator-{regulator.Id}"),
                [Person(regulator.Person, "on_call", regulator.Phone, $"duty@{regulator.Id}.example", $"{regulator.Id}.duty")]));
        }

        foreach (var region in regions.Where(r => r.Level is "city" or "district").OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            var supervisor = region.Supervisor;
            organisations.Add(Organisation($"gov-{region.Id}", $"{region.Name}人民政府", "government", null, null,
                [Person(supervisor.Name, "on_call", supervisor.Phone, $"duty@gov-{region.Id}.example", null)]));
        }

        var parties = assets.OrderBy(a => a.Id, StringComparer.Ordinal).Select(asset => new Dictionary<string, object?>
        {
            ["assetId"] = asset.Id,
            ["ownerUnitId"] = ownerIds[asset.OwnerUnit],
            ["maintenanceUnitId"] = asset.Kind == "elevator" ? $"mu-{(Number(asset.Id) % MaintenanceUnits.Length) + 1:00}" : null,
            ["regulatorId"] = asset.Industry switch
            {
                "gas" => "reg-gas",
                "special_equipment" => "reg-se",
                "hazardous_chemicals" => "reg-hc",
                _ => null,
            },
            ["guarantors"] = asset.Kind == "hazard_source" ? Guarantors(asset) : Array.Empty<object>(),
        }).ToList();

        var document = new Dictionary<string, object> { ["organisations"] = organisations, ["assetParties"] = parties };
        return JsonSerializer.SerializeToUtf8Bytes(document, new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = JavaScriptEncoder.Create(UnicodeRanges.All), // the names stay readable Chinese in the file
        });
    }

    /// <summary>
    /// A valid unified social credit code (GB 32100-2015): the 8-character prefix (registration authority, type, the
    /// city's division code 330100), a 9-character body drawn from <paramref name="salt"/>, and its check character.
    /// </summary>
    public static string CreditCode(string prefix, string salt)
    {
        var body = new StringBuilder(prefix);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(salt));
        for (var i = 0; body.Length < 17; i++)
        {
            body.Append(Alphabet[hash[i] % Alphabet.Length]);
        }

        return body.Append(CheckCharacter(body.ToString())).ToString();
    }

    public static char CheckCharacter(string first17)
    {
        ArgumentNullException.ThrowIfNull(first17);
        var sum = 0;
        var weight = 1;
        foreach (var c in first17)
        {
            sum += Alphabet.IndexOf(c, StringComparison.Ordinal) * weight;
            weight = weight * 3 % 31;
        }

        return Alphabet[(31 - (sum % 31)) % 31];
    }

    private static object[] Guarantors(GeneratedAsset asset)
    {
        var n = Number(asset.Id);
        string Name(int k) => Surnames[(n + k) % Surnames.Length] + GivenNames[((n * 3) + k) % GivenNames.Length];
        string Phone(int k) => $"0571-08{(n * 7) + k:000000}";
        return
        [
            Person(asset.Responsible.Name, "principal", asset.Responsible.Phone, null, null),
            Person(Name(1), "technical", Phone(1), null, null),
            Person(Name(2), "operations", Phone(2), null, null),
        ];
    }

    private static int Number(string assetId) => int.Parse(assetId.AsSpan(assetId.LastIndexOf('-') + 1), NumberStyles.None, CultureInfo.InvariantCulture);

    private static Dictionary<string, object?> Organisation(string id, string name, string kind, string? industry, string? creditCode, object[] people) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["kind"] = kind,
        ["industry"] = industry,
        ["creditCode"] = creditCode,
        ["people"] = people,
    };

    private static Dictionary<string, object?> Person(string name, string role, string? phone, string? email, string? account) => new()
    {
        ["name"] = name,
        ["role"] = role,
        ["phone"] = phone,
        ["email"] = email,
        ["account"] = account,
    };
}
