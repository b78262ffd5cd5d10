using ControlPlane.Silo.Hosting;

// Content root is the silo's own folder, so its appsettings.json is found wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddControlPlaneSilo();

var app = builder.Build();
app.MapControlPlaneSilo();
app.Run();
