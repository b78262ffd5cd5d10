using ControlPlane.Grains.Database;
using ControlPlane.Tests.Harness;
using Npgsql;

namespace ControlPlane.Tests.Database;

/// <summary>
/// A tenant role's password as PostgreSQL holds it: the SCRAM verifier the control plane built, kept as sent (a
/// string PostgreSQL did not recognise as a verifier would be hashed as a plain-text password, and the role could not
/// log in with its derived password), at the low iteration count ScramVerifier explains.
/// </summary>
public sealed class TenantRolePasswordsShould(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task Leave_an_onboarded_tenants_role_with_the_verifier_of_its_derived_password_and_let_it_log_in_with_it()
    {
        var slug = TestSlugs.New("scram");
        await fixture.Client.OnboardAsync(slug);
        var role = $"tenant_{slug}";
        var password = fixture.Silo.Service<TenantRolePasswords>().For(role);

        var stored = await fixture.Database.ScalarAsync<string>("SELECT rolpassword FROM pg_authid WHERE rolname = $1", role);
        var (iterations, salt) = ParseHeader(stored);
        await using var login = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString)
        {
            Username = role,
            Password = password,
            Passfile = null,
            Pooling = false,
        }.ConnectionString);
        await login.OpenAsync();
        await using var whoami = new NpgsqlCommand("SELECT current_user", login);

        Assert.Equal(16, iterations);
        Assert.Equal(ScramVerifier.Create(password, salt), stored);
        Assert.Equal(role, (string?)await whoami.ExecuteScalarAsync());
    }

    /// <summary>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey → (iterations, salt).</summary>
    private static (int Iterations, byte[] Salt) ParseHeader(string verifier)
    {
        Assert.StartsWith("SCRAM-SHA-256$", verifier, StringComparison.Ordinal);
        var header = verifier["SCRAM-SHA-256$".Length..verifier.IndexOf('$', "SCRAM-SHA-256$".Length)].Split(':');
        return (int.Parse(header[0], System.Globalization.CultureInfo.InvariantCulture), Convert.FromBase64String(header[1]));
    }
}
