using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RiskMonitor.Server.Platform.Security;

namespace RiskMonitor.Server.Tests.Platform.Security;

/// <summary>A typo in the <c>Auth</c> section stops the server at start instead of leaving it open or locked.</summary>
public sealed class AuthOptionsTests
{
    [Theory]
    [InlineData("Auth:SigningKey", "c2hvcnQ=")] // base64 of "short": fewer than 32 bytes
    [InlineData("Auth:SigningKey", "not base64 at all!")]
    [InlineData("Auth:Users:0:Roles:0", "root")]
    [InlineData("Auth:Users:0:Password", "too-short")]
    [InlineData("Auth:Users:0:Name", " ")]
    [InlineData("Auth:TokenLifetime", "30.00:00:00")]
    public void A_bad_setting_is_refused_at_start(string key, string value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Users:0:Name"] = "admin",
            ["Auth:Users:0:Password"] = "a-long-enough-password",
            ["Auth:Users:0:Roles:0"] = "admin",
            [key] = value,
        };

        Assert.Throws<OptionsValidationException>(() => Resolve(settings));
    }

    [Fact]
    public void A_good_section_binds_with_its_seed_accounts()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = TestIdentity.SigningKey,
            ["Auth:Users:0:Name"] = "admin",
            ["Auth:Users:0:Password"] = "a-long-enough-password",
            ["Auth:Users:0:Roles:0"] = "admin",
            ["Auth:Users:0:Regions:0"] = "d-west",
        });

        Assert.Equal(["d-west"], options.Users.Single().Regions);
        Assert.Equal(TimeSpan.FromHours(12), options.TokenLifetime);
    }

    private static AuthOptions Resolve(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddRiskMonitorSecurity();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<AuthOptions>>().Value;
    }
}
