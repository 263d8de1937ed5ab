using Microsoft.Extensions.Options;
using RiskMonitor.Contracts.Access;
using RiskMonitor.Domain.Devices;

namespace RiskMonitor.Server.Platform.Security;

/// <summary>
/// Creates the accounts of <c>Auth:Users</c> when the store has none: the first admin of a new install, or the demo
/// city's people that run.sh configures. Once anyone exists, accounts are managed through <c>/api/users</c> and the
/// configuration is not read again, so a password changed there is not reset by a restart.
/// </summary>
internal sealed class UserSeeder(IUserStore users, IOptions<AuthOptions> options, TimeProvider time, ILogger<UserSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var seeds = options.Value.Users;
        if (seeds.Count == 0 || await users.AnyAsync(cancellationToken))
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var seed in seeds)
        {
            await users.SaveAsync(new UserAccount(
                seed.Name.Trim(), UserPasswords.Hash(seed.Password), [.. seed.Roles.Select(r => r.Trim().ToLowerInvariant())],
                [.. seed.Regions.Select(r => r.Trim())], seed.DisplayName, now, "configuration", now, "configuration"), cancellationToken);
        }

        SecurityLog.Seeded(logger, seeds.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>People's passwords: the device scheme (salted PBKDF2-HMAC-SHA256) at OWASP's 600,000 iterations.</summary>
internal static class UserPasswords
{
    /// <summary>
    /// OWASP's 2023 figure for PBKDF2-HMAC-SHA256. Unlike device secrets these are chosen by people and can be guessed,
    /// and a sign-in happens once a shift, so the cost (about 0.2 s of one core here) is paid rarely.
    /// </summary>
    public const int Iterations = 600_000;

    public const int MinimumLength = 12;

    public static string Hash(string password) => DevicePasswords.Hash(password, Iterations);

    public static bool Verify(string? password, string stored) => DevicePasswords.Verify(password, stored);
}
