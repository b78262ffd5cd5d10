using ControlPlane.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddControlPlaneSilo();

var app = builder.Build();
app.MapControlPlaneSilo();
app.Run();
