namespace RiskMonitor.Simulator.City;

/// <summary>An emergency contact on a site's risk notice board (风险告知牌).</summary>
internal sealed record EmergencyContact(string Role, string Name, string Phone);

/// <summary>One row of a site's emergency-response list (应急处置清单).</summary>
internal sealed record EmergencyResponse(string Scenario, string Actions);

/// <summary>What a site's 一图一牌三清单 needs beyond the registry contract: hazards, control measures, contacts, responses.</summary>
internal sealed record SiteSafetyProfile(
    IReadOnlyList<string> MainHazards, IReadOnlyList<string> ControlMeasures, IReadOnlyList<EmergencyContact> EmergencyContacts,
    IReadOnlyList<EmergencyResponse> EmergencyResponses);

/// <summary>
/// The safety facts of the demo sites, by substance (hazard sources) and by station type (gas stations). Plain text a
/// safety officer would recognise (GB 30000 hazard classes, AQ 3035-style measures); invented, not authoritative.
/// No randomness, so adding it changed nothing else in the generated city.
/// </summary>
internal static class SiteSafety
{
    private static readonly Dictionary<string, (string[] Hazards, string[] Measures, EmergencyResponse[] Responses)> BySubstance = new()
    {
        ["液氯"] = (["急性毒性（吸入）", "腐蚀", "泄漏扩散"],
            ["储罐区有毒气体检测报警器在线监测", "液位、压力、温度远传监控与高低限联锁", "事故氯吸收（碱液喷淋）装置处于备用状态", "每班巡检两次并记录"],
            [new("液氯泄漏", "启动事故氯吸收装置；关闭紧急切断阀；佩戴正压式空气呼吸器处置；疏散下风向人员至上风向"), new("人员中毒", "移至空气新鲜处，吸氧，拨打120，告知接触物质")]),
        ["液氨"] = (["急性毒性（吸入）", "火灾爆炸", "泄漏扩散"],
            ["氨气检测报警器与喷淋联锁", "储罐液位、压力远传监控", "围堰与消防水幕完好", "每班巡检两次并记录"],
            [new("液氨泄漏", "开启水幕稀释；关闭紧急切断阀；设警戒区并疏散下风向人员"), new("火灾", "切断气源，冷却储罐，拨打119")]),
        ["液化石油气"] = (["火灾爆炸", "泄漏扩散", "低温冻伤"],
            ["可燃气体检测报警器与紧急切断联锁", "球罐压力、液位、温度远传监控", "防雷防静电设施定期检测", "动火作业审批"],
            [new("液化气泄漏", "关闭紧急切断阀；消除点火源；喷雾稀释；设警戒区"), new("火灾", "冷却着火罐及相邻罐，严禁在未切断气源时灭火，拨打119")]),
        ["丙烯"] = (["火灾爆炸", "泄漏扩散"],
            ["可燃气体检测报警器与紧急切断联锁", "球罐压力、液位远传监控", "防雷防静电设施定期检测"],
            [new("丙烯泄漏", "关闭紧急切断阀；消除点火源；喷雾稀释；设警戒区"), new("火灾", "冷却储罐，切断物料，拨打119")]),
        ["环氧乙烷"] = (["火灾爆炸", "急性毒性", "自聚反应"],
            ["储罐温度监控与氮封", "可燃气体检测报警器在线", "冷却水系统完好"],
            [new("环氧乙烷泄漏", "关闭紧急切断阀；用水稀释；消除点火源；疏散人员"), new("温度异常升高", "启动冷却水，转料，报告调度")]),
        ["氯乙烯"] = (["火灾爆炸", "致癌性", "泄漏扩散"],
            ["可燃气体检测报警器与紧急切断联锁", "球罐压力、液位远传监控"],
            [new("氯乙烯泄漏", "关闭紧急切断阀；消除点火源；喷雾稀释；设警戒区")]),
        ["甲醇"] = (["火灾爆炸", "急性毒性（经口）"],
            ["可燃气体检测报警器在线", "储罐液位远传监控与高液位报警", "防火堤完好"],
            [new("甲醇泄漏", "围堵收容，抗溶性泡沫覆盖，消除点火源"), new("火灾", "抗溶性泡沫灭火，冷却储罐，拨打119")]),
        ["苯"] = (["火灾爆炸", "致癌性", "急性毒性"],
            ["可燃/有毒气体检测报警器在线", "储罐液位远传监控与高液位报警", "内浮顶密封定期检查"],
            [new("苯泄漏", "围堵收容，泡沫覆盖，佩戴防毒面具处置"), new("火灾", "泡沫灭火，冷却储罐，拨打119")]),
        ["甲苯"] = (["火灾爆炸", "急性毒性"],
            ["可燃气体检测报警器在线", "储罐液位远传监控与高液位报警"],
            [new("甲苯泄漏", "围堵收容，泡沫覆盖，消除点火源")]),
        ["二甲苯"] = (["火灾爆炸"],
            ["可燃气体检测报警器在线", "储罐液位远传监控与高液位报警"],
            [new("二甲苯泄漏", "围堵收容，泡沫覆盖，消除点火源")]),
    };

    private static readonly (string[] Hazards, string[] Measures, EmergencyResponse[] Responses) GasStation = (
        ["火灾爆炸", "燃气泄漏", "超压"],
        ["可燃气体检测报警器与紧急切断联锁", "储气设施压力远传监控", "卸车作业专人监护", "站区严禁烟火，进站车辆熄火"],
        [new("燃气泄漏", "按下紧急停车按钮；切断气源；疏散站内人员车辆；禁止一切火源"), new("火灾", "切断气源，使用站内灭火器材初期处置，拨打119")]);

    public static SiteSafetyProfile ForHazardSource(string substance, string companyFullName, int companyIndex, ResponsiblePerson safetyManager)
    {
        var (hazards, measures, responses) = BySubstance[substance];
        return new SiteSafetyProfile(hazards, measures, Contacts(companyFullName, companyIndex, safetyManager, "临江化工园区应急指挥中心"), responses);
    }

    public static SiteSafetyProfile ForGasStation(string stationName, int stationIndex, ResponsiblePerson manager) =>
        new(GasStation.Hazards, GasStation.Measures, Contacts(stationName, 50 + stationIndex, manager, "燃气管理处调度中心"), GasStation.Responses);

    // Phone numbers of the 0571-0xxxxxxx form that no real line has (see data/demo-city/README.md), derived, not drawn.
    private static EmergencyContact[] Contacts(string unit, int index, ResponsiblePerson manager, string authority) =>
    [
        new("企业值班室", unit + "值班室", $"0571-0{6_100_000 + (index * 1_111)}"),
        new("安全负责人", manager.Name, manager.Phone),
        new("属地应急", authority, "0571-08690119"),
        new("火警 / 急救", "消防 / 医疗急救", "119 / 120"),
    ];
}
