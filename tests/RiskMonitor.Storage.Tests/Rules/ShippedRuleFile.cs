namespace RiskMonitor.Storage.Tests.Rules;

/// <summary>The rule file the server ships (src/RiskMonitor.Server/config/rules.json), found above the test's folder.</summary>
internal static class ShippedRuleFile
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "src", "RiskMonitor.Server", "config", "rules.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("src/RiskMonitor.Server/config/rules.json not found above " + AppContext.BaseDirectory);
    }
}
