namespace RiskMonitor.Server.Devices;

/// <summary>MQTT device credentials (docs/decisions/0023): the admin key's options and the provisioning API.</summary>
internal static class DevicesModule
{
    public static WebApplicationBuilder AddDevices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DeviceAdminOptions>().BindConfiguration(DeviceAdminOptions.SectionName)
            .Validate(o => o.AdminKey is null || o.AdminKey.Length >= DeviceAdminOptions.MinimumKeyLength,
                $"Devices:AdminKey must be at least {DeviceAdminOptions.MinimumKeyLength} characters.")
            .ValidateOnStart();
        return builder;
    }

    public static IEndpointRouteBuilder MapDevices(this IEndpointRouteBuilder routes) => routes.MapDeviceEndpoints();
}
