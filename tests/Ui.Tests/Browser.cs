using Microsoft.Playwright;

namespace Grokking.Ui.Tests;

/// <summary>
/// One headless chromium for the browser tests: Debian's own (apt-get install chromium), since Playwright cannot
/// download its build here. GROKKING_CHROMIUM names another executable.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public static string Executable => Environment.GetEnvironmentVariable("GROKKING_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Chromium { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"no chromium at {Executable}: install Debian's (apt-get install chromium) or set GROKKING_CHROMIUM; the browser tests need a real browser.");
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // Root in CI: chromium's sandbox needs user namespaces it may not have there.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh page (its own context: no shared storage between tests) of the given size.</summary>
    public async Task<IPage> NewPageAsync(int width = 1400, int height = 850)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.DisposeAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Browser>
{
    public const string Name = "browser";
}
