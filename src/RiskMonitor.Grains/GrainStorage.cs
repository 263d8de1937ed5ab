namespace RiskMonitor.Grains;

public static class GrainStorage
{
    /// <summary>The grain storage provider every RiskMonitor grain uses (memory for one node, ADO.NET later).</summary>
    public const string Name = "rm";
}
