// Drives the silo's dashboard in a real headless Chromium, as an operator would: signs in with an API key, watches
// freshly onboarded tenants become Active, searches, opens a timeline, follows a rollout to Completed, and keeps a
// screenshot. The API calls that change things go through the same API the page reads (fetch, as a script would).
// Usage: node dashboard.mjs --url http://127.0.0.1:PORT --key KEY --migrations DIR --prefix SLUGPREFIX --screenshot FILE
import { chromium } from "playwright-core";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, i, all) => i % 2 === 0 ? [...pairs, [value.replace(/^--/, ""), all[i + 1]]] : pairs, []));
for (const name of ["url", "key", "migrations", "prefix", "screenshot"]) {
  if (!args[name]) { console.error(`missing --${name}`); process.exit(2); }
}

const hostile = `<img src=x onerror="window.__injected=1">`;
const slugs = [0, 1, 2].map(i => `${args.prefix}_${i}`);
const step = message => console.log(`STEP ${message}`);

async function api(method, path, body) {
  const response = await fetch(`${args.url}${path}`, {
    method,
    headers: { "X-Api-Key": args.key, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

mkdirSync(dirname(args.screenshot), { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
const pageErrors = [];
page.on("pageerror", error => pageErrors.push(error.message));
try {
  await page.goto(`${args.url}/`);
  await page.locator("#login-form").waitFor({ state: "visible", timeout: 30000 });
  step("the page asks for an API key");

  await page.fill("#api-key", args.key);
  await page.click("#login-form button[type=submit]");
  await page.locator('#state-counts li[data-state="Active"]').waitFor({ timeout: 30000 });
  step("signed in: tenants by state are shown");

  await api("POST", "/v1/tenants", { slug: slugs[0], displayName: hostile });
  for (const slug of slugs.slice(1)) await api("POST", "/v1/tenants", { slug, displayName: `${slug} Ltd` });
  for (const slug of slugs) {
    await page.locator(`#tenants tr[data-slug="${slug}"] .state-cell`, { hasText: "Active" }).waitFor({ timeout: 90000 });
  }
  const activeCount = await page.locator('#state-counts li[data-state="Active"] .count').textContent();
  step(`tenants became Active on the page; Active count ${activeCount}`);

  const shownName = await page.locator(`#tenants tr[data-slug="${slugs[0]}"] td`).nth(1).textContent();
  const injected = await page.evaluate(() => window.__injected === 1);
  if (shownName !== hostile || injected) throw new Error(`a display name was rendered as markup: shown '${shownName}', injected ${injected}`);
  step("a display name holding markup is shown as text");

  // The search runs on the server after a short pause in typing: wait for the table to show its answer.
  const tableShows = (expected, timeout = 30000) => page.waitForFunction(
    slugsShown => JSON.stringify([...document.querySelectorAll("#tenants tbody tr")].map(r => r.dataset.slug)) === JSON.stringify(slugsShown),
    expected, { timeout }).catch(() => {});
  await page.fill("#search", slugs[1]);
  await tableShows([slugs[1]]);
  const searched = await page.locator("#tenants tbody tr").evaluateAll(rows => rows.map(r => r.dataset.slug));
  if (searched.length !== 1 || searched[0] !== slugs[1]) throw new Error(`search for ${slugs[1]} showed ${JSON.stringify(searched)}`);
  await page.fill("#search", "");
  await page.selectOption("#state-filter", "Failed");
  await tableShows([]);
  const failedRows = await page.locator("#tenants tbody tr").count();
  if (failedRows !== 0) throw new Error(`the Failed filter showed ${failedRows} rows`);
  await page.selectOption("#state-filter", "");
  step("search and state filter narrow the table");

  await page.click(`#tenants tr[data-slug="${slugs[2]}"]`);
  await page.locator("#timeline-events li", { hasText: "Activate" }).first().waitFor({ timeout: 30000 });
  const timelineTitle = await page.locator("#timeline-title").textContent();
  step(`timeline shown: ${timelineTitle}`);

  writeFileSync(`${args.migrations}/V0004__add_component_owner.sql`, "ALTER TABLE components ADD COLUMN owner text;\n");
  const rollout = await api("POST", "/v1/rollouts", { targetVersion: 4, maxParallel: 1, waves: [{ name: "canary", tenants: 1 }, { name: "rest" }] });
  await page.locator('[data-testid="rollout-state"]', { hasText: "Completed" }).waitFor({ timeout: 90000 });
  const progress = await page.locator('[data-testid="rollout-progress"]').textContent();
  const waves = await page.locator("#waves tbody tr").evaluateAll(rows => rows.map(r => [...r.cells].map(c => c.textContent)));
  step(`rollout ${rollout.id} shown Completed: ${progress}`);

  const cluster = await page.locator("#cluster-body").textContent();
  await page.screenshot({ path: args.screenshot, fullPage: true });
  if (pageErrors.length > 0) throw new Error(`errors on the page: ${pageErrors.join("; ")}`);
  console.log(`RESULT ${JSON.stringify({ activeCount, progress, waves, timelineTitle, cluster })}`);
} catch (error) {
  await page.screenshot({ path: args.screenshot.replace(/\.png$/, "-failed.png"), fullPage: true }).catch(() => {});
  console.error(`FAILED ${error.stack || error}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
