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
/// With <see cref="DirectPooled"/> it also serves <c>/direct/pooled/components</c>: seed 002's design for the pooled
/// tier, the same query on one shared pool logged in under row-level security, after the tenant context is set
/// transaction-locally in the same round trip.
/// </summary>
internal sealed class DirectSearchPathServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly NpgsqlDataSource _pool;
    private NpgsqlDataSource? _pooledPool;

    private DirectSearchPathServer(WebApplication app, NpgsqlDataSource pool, Uri url)
    {
        _app = app;
        _pool = pool;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary><c>/direct/pooled/components</c>, or null when not served.</summary>
    public Uri? PooledUrl { get; private init; }

    public static async Task<DirectSearchPathServer> StartAsync(string connectionString, int poolSize, string issuer, string audience, string signingKey, DirectPooled? pooled = null)
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
        NpgsqlDataSource? pooledPool = null;
        if (pooled is not null)
        {
            pooledPool = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(pooled.ConnectionString) { MaxPoolSize = poolSize, ApplicationName = "bench-direct-pooled" }.ConnectionString).Build();
            app.MapGet("/direct/pooled/components", async (HttpContext context, int? limit) =>
            {
                var header = context.Request.Headers.Authorization.ToString();
                var result = await tokens.ValidateTokenAsync(header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : string.Empty, parameters);
                if (!result.IsValid || ((JsonWebToken)result.SecurityToken).Claims.FirstOrDefault(c => c.Type == "tenant")?.Value is not { } slug)
                {
                    context.Response.StatusCode = (int)HttpStatusCode.Unauthorized;
                    return;
                }

                await using var connection = await pooledPool.OpenConnectionAsync(context.RequestAborted);
                var pageSize = limit ?? 50;
                await using var batch = new NpgsqlBatch(connection)
                {
                    BatchCommands =
                    {
                        new NpgsqlBatchCommand("SELECT set_config('controlplane.tenant_id', $1, true)") { Parameters = { new() { Value = slug } } },
                        new NpgsqlBatchCommand(pooled.Sql) { Parameters = { new() { Value = pageSize + 1 } } },
                    },
                };
                await using var reader = await batch.ExecuteReaderAsync(context.RequestAborted);
                await reader.NextResultAsync(context.RequestAborted);
                var rows = await ComponentsQuery.ReadAsync(reader, pageSize, context.RequestAborted);
                await context.Response.WriteAsJsonAsync(new { items = rows }, JsonSerializerOptions.Web, context.RequestAborted);
            });
        }

        await app.StartAsync();
        return new DirectSearchPathServer(app, pool, new Uri($"http://127.0.0.1:{port}/direct/components?limit=50"))
        {
            PooledUrl = pooled is null ? null : new Uri($"http://127.0.0.1:{port}/direct/pooled/components?limit=50"),
            _pooledPool = pooledPool,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _pool.DisposeAsync();
        if (_pooledPool is not null)
        {
            await _pooledPool.DisposeAsync();
        }
    }
}

/// <summary>The pooled endpoint's login (a role under row-level security, search path on the pooled schema) and its page query.</summary>
internal sealed record DirectPooled(string ConnectionString, string Sql);
