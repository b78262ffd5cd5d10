// Drives the dashboard's tier views in a real headless Chromium: the Tier column, the tier filter (?tier= on the
// server), and the tier, schema and role in a tenant's detail. The tenants are onboarded by the test beforehand.
// Usage: node dashboard-tiers.mjs --url http://127.0.0.1:PORT --key KEY --pooled SLUG --own SLUG --screenshot FILE
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, i, all) => i % 2 === 0 ? [...pairs, [value.replace(/^--/, ""), all[i + 1]]] : pairs, []));
for (const name of ["url", "key", "pooled", "own", "screenshot"]) {
  if (!args[name]) { console.error(`missing --${name}`); process.exit(2); }
}

const step = message => console.log(`STEP ${message}`);
mkdirSync(dirname(args.screenshot), { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
const pageErrors = [];
page.on("pageerror", error => pageErrors.push(error.message));
const shownSlugs = () => page.locator("#tenants tbody tr").evaluateAll(rows => rows.map(r => r.dataset.slug));
const tableShows = (expected, timeout = 30000) => page.waitForFunction(
  slugsShown => JSON.stringify([...document.querySelectorAll("#tenants tbody tr")].map(r => r.dataset.slug)) === JSON.stringify(slugsShown),
  expected, { timeout }).catch(() => {});
try {
  await page.goto(`${args.url}/dashboard`);
  await page.fill("#api-key", args.key);
  await page.click("#login-form button[type=submit]");
  for (const slug of [args.pooled, args.own]) await page.locator(`#tenants tr[data-slug="${slug}"]`).waitFor({ timeout: 30000 });
  const tierHeader = await page.locator("#tenants thead th").nth(3).textContent();
  const tiers = {};
  for (const slug of [args.pooled, args.own]) tiers[slug] = await page.locator(`#tenants tr[data-slug="${slug}"] .tier-cell`).textContent();
  step(`the table shows each tenant's tier: ${JSON.stringify(tiers)}`);

  await page.selectOption("#tier-filter", "pooled");
  await tableShows([args.pooled]);
  const pooledOnly = await shownSlugs();
  const pooledNote = await page.locator("#tenants-note").textContent();
  await page.selectOption("#tier-filter", "schema");
  await tableShows([args.own]);
  const schemaOnly = await shownSlugs();
  await page.selectOption("#tier-filter", "");
  step("the tier filter narrows the table");

  await page.click(`#tenants tr[data-slug="${args.pooled}"]`);
  await page.locator("#timeline-tier", { hasText: "pooled tier" }).waitFor({ timeout: 30000 });
  const detail = await page.locator("#timeline-tier").textContent();
  step(`detail shown: ${detail}`);

  await page.screenshot({ path: args.screenshot, fullPage: true });
  if (pageErrors.length > 0) throw new Error(`errors on the page: ${pageErrors.join("; ")}`);
  console.log(`RESULT ${JSON.stringify({ tierHeader, tiers, pooledOnly, pooledNote, schemaOnly, detail })}`);
} catch (error) {
  await page.screenshot({ path: args.screenshot.replace(/\.png$/, "-failed.png"), fullPage: true }).catch(() => {});
  console.error(`FAILED ${error.stack || error}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
