using RiskMonitor.Domain.Devices;

namespace RiskMonitor.Domain.Tests.Devices;

public sealed class DevicePasswordsTests
{
    [Fact]
    public void A_hash_verifies_its_own_secret_and_no_other()
    {
        var secret = DevicePasswords.NewSecret();

        var stored = DevicePasswords.Hash(secret);

        Assert.True(DevicePasswords.Verify(secret, stored));
        Assert.False(DevicePasswords.Verify(secret + "x", stored));
        Assert.False(DevicePasswords.Verify(string.Empty, stored));
        Assert.False(DevicePasswords.Verify(null, stored));
    }

    [Fact]
    public void The_stored_form_names_pbkdf2_sha256_with_at_least_100k_iterations_and_never_holds_the_secret()
    {
        var secret = DevicePasswords.NewSecret();

        var stored = DevicePasswords.Hash(secret);

        var parts = stored.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.True(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) >= 100_000);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_hash_has_its_own_salt()
    {
        var first = DevicePasswords.Hash("same secret", iterations: 1000);
        var second = DevicePasswords.Hash("same secret", iterations: 1000);

        Assert.NotEqual(first, second);
        Assert.True(DevicePasswords.Verify("same secret", first));
        Assert.True(DevicePasswords.Verify("same secret", second));
    }

    [Fact]
    public void A_hash_made_with_other_iterations_still_verifies_so_the_count_can_be_raised_later()
    {
        var stored = DevicePasswords.Hash("s3cret", iterations: 1000);

        Assert.True(DevicePasswords.Verify("s3cret", stored));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("pbkdf2-sha256$abc$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$0$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$!!!$AAAA")]
    [InlineData("md5$1000$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$$")]
    public void A_malformed_stored_value_never_matches(string stored)
    {
        Assert.False(DevicePasswords.Verify("anything", stored));
    }

    [Fact]
    public void New_secrets_are_long_url_safe_and_different()
    {
        var secrets = Enumerable.Range(0, 50).Select(_ => DevicePasswords.NewSecret()).ToList();

        Assert.Equal(50, secrets.Distinct(StringComparer.Ordinal).Count());
        Assert.All(secrets, s =>
        {
            Assert.Equal(43, s.Length);
            Assert.Matches("^[A-Za-z0-9_-]+$", s);
        });
    }
}
