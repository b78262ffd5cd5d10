using System.Net;
using System.Text.Json;
using ControlPlane.Grains.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace ControlPlane.Benchmarks;

/// <summary>
/// The seeds' design as the baseline: one HTTP endpoint that validates the same bearer token, then runs the same query
/// on one shared Npgsql pool after <c>SET search_path TO tenant_&lt;slug&gt;</c> (one round trip, as the seeds' session
/// factory does). No grains, no per-tenant pools or roles, no registry check: what isolation costs is the difference.
/// </summary>
internal sealed class DirectSearchPathServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly NpgsqlDataSource _pool;

    private DirectSearchPathServer(WebApplication app, NpgsqlDataSource pool, Uri url)
    {
        _app = app;
        _pool = pool;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<DirectSearchPathServer> StartAsync(string connectionString, int poolSize, string issuer, string audience, string signingKey)
    {
        var port = ControlPlane.Testing.LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var pool = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = poolSize, ApplicationName = "bench-direct" }.ConnectionString).Build();
        var tokens = new JsonWebTokenHandler { MapInboundClaims = false };
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            IssuerSigningKey = new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(signingKey)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
        };
        app.MapGet("/direct/components", async (HttpContext context, int? limit) =>
        {
            var header = context.Request.Headers.Authorization.ToString();
            var result = await tokens.ValidateTokenAsync(header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : string.Empty, parameters);
            if (!result.IsValid || ((JsonWebToken)result.SecurityToken).Claims.FirstOrDefault(c => c.Type == "tenant")?.Value is not { } slug
                || !Grains.Tenants.TenantSlug.TryParse(slug, out var tenant, out _))
            {
                context.Response.StatusCode = (int)HttpStatusCode.Unauthorized;
                return;
            }

            await using var connection = await pool.OpenConnectionAsync(context.RequestAborted);
            var pageSize = limit ?? 50;
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand($"SET search_path TO {PgIdentifier.Quote(tenant.SchemaName)}"),
                    new NpgsqlBatchCommand(ComponentsQuery.Sql) { Parameters = { new() { Value = pageSize + 1 } } },
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(context.RequestAborted);
            var rows = await ComponentsQuery.ReadAsync(reader, pageSize, context.RequestAborted);
            await context.Response.WriteAsJsonAsync(new { items = rows }, JsonSerializerOptions.Web, context.RequestAborted);
        });
        await app.StartAsync();
        return new DirectSearchPathServer(app, pool, new Uri($"http://127.0.0.1:{port}/direct/components?limit=50"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _pool.DisposeAsync();
    }
}
