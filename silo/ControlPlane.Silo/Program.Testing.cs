// Lets tests host the silo in-process with WebApplicationFactory<Program>.
public partial class Program;
