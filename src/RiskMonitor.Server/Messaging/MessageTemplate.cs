using System.Globalization;
using System.Text;
using RiskMonitor.Server.Escalation;

namespace RiskMonitor.Server.Messaging;

/// <summary>
/// Fills a message template from an escalation notice. Placeholders: <c>{alertId} {assetId} {assetName} {severity}
/// {severityZh} {step} {level} {regionId} {industry} {ruleId} {value} {raisedAt} {at} {recipient}</c> (times local,
/// yyyy-MM-dd HH:mm). An unknown placeholder is left as written, so a typo shows in the message instead of vanishing.
/// </summary>
internal static class MessageTemplate
{
    public const string DefaultSubject = "【{severityZh}预警】{assetName} {ruleId} 第{step}次升级";

    public const string DefaultEmail = """
        {recipient}：

        {assetName}（{assetId}，{industry}，区域 {regionId}）{ruleId} {severityZh}预警（{severity}）于 {raisedAt} 发出，至 {at} 仍未确认，已升级第 {step} 次。
        当前值：{value}
        请登录值班页面确认并处置。预警编号：{alertId}
        """;

    public const string DefaultSms = "【{severityZh}预警】{assetName} {ruleId} {raisedAt}起未确认，第{step}次升级，请立即处置。编号{alertId}";

    public static string Render(string template, EscalationMessage message, string recipient, TimeSpan utcOffset)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(message);
        var alert = message.Alert;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["alertId"] = alert.AlertId,
            ["assetId"] = alert.AssetId,
            ["assetName"] = string.IsNullOrWhiteSpace(alert.AssetName) ? alert.AssetId : alert.AssetName,
            ["severity"] = alert.Severity.ToString().ToLowerInvariant(),
            ["severityZh"] = SeverityZh(alert.Severity),
            ["step"] = message.Step.ToString(CultureInfo.InvariantCulture),
            ["level"] = message.Level.ToString(CultureInfo.InvariantCulture),
            ["regionId"] = alert.RegionId,
            ["industry"] = alert.Industry,
            ["ruleId"] = alert.RuleId,
            ["value"] = alert.Value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "-",
            ["raisedAt"] = Local(alert.RaisedAt, utcOffset),
            ["at"] = Local(message.At, utcOffset),
            ["recipient"] = recipient,
        };

        var result = new StringBuilder(template.Length + 64);
        for (var i = 0; i < template.Length; i++)
        {
            var close = template[i] == '{' ? template.IndexOf('}', i + 1) : -1;
            if (close > i && values.TryGetValue(template[(i + 1)..close], out var value))
            {
                result.Append(value);
                i = close;
            }
            else
            {
                result.Append(template[i]);
            }
        }

        // A drill's message starts with the exercise mark whatever the template says (decision 0042): nobody woken by it
        // may take it for a real warning.
        return Domain.Drills.Exercise.MarkIf(alert.Drill is not null, result.ToString());
    }

    public static string SeverityZh(Domain.WarningLevel severity) => severity switch
    {
        Domain.WarningLevel.Red => "红色",
        Domain.WarningLevel.Orange => "橙色",
        Domain.WarningLevel.Yellow => "黄色",
        Domain.WarningLevel.Blue => "蓝色",
        _ => "提示",
    };

    private static string Local(DateTimeOffset at, TimeSpan offset) =>
        at.ToOffset(offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
