// Drives the dashboard in a real headless Chromium over a registry of many tenants (20,000 in DashboardAtScaleShould):
// signs in, reads the totals and the bars of every chart as drawn (the <rect>s' data-label/data-value), pages to a later
// page, searches, and keeps a screenshot. It asserts only what it must wait for; the test asserts the values it prints.
// Usage: node dashboard-fleet.mjs --url http://127.0.0.1:PORT --key KEY --total N --pages P --search TEXT --expect-search JSON --screenshot FILE
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, value, i, all) => i % 2 === 0 ? [...pairs, [value.replace(/^--/, ""), all[i + 1]]] : pairs, []));
for (const name of ["url", "key", "total", "pages", "search", "expect-search", "screenshot"]) {
  if (!args[name]) { console.error(`missing --${name}`); process.exit(2); }
}

const step = message => console.log(`STEP ${message}`);
const bars = selector => page.locator(`${selector} rect.bar`).evaluateAll(rects => rects.map(r => [r.dataset.label, Number(r.dataset.value)]));
const shownSlugs = () => page.locator("#tenants tbody tr").evaluateAll(rows => rows.map(r => r.dataset.slug));

mkdirSync(dirname(args.screenshot), { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
const pageErrors = [];
page.on("pageerror", error => pageErrors.push(error.message));
try {
  await page.goto(`${args.url}/dashboard`);
  await page.locator("#login-form").waitFor({ state: "visible", timeout: 30000 });
  await page.fill("#api-key", args.key);
  await page.click("#login-form button[type=submit]");
  await page.locator("#tenant-total", { hasText: `(${args.total} in all)` }).waitFor({ timeout: 60000 });
  await page.locator("#chart-onboarding rect.bar").first().waitFor({ timeout: 60000 });
  await page.locator('[data-testid="rollout-pace"]').waitFor({ timeout: 60000 });
  const total = await page.locator("#tenant-total").textContent();
  const firstPage = await shownSlugs();
  step(`signed in: ${total}, ${firstPage.length} rows on the first page`);

  const states = await bars("#chart-states");
  const versions = await bars("#chart-versions");
  const onboarding = await bars("#chart-onboarding");
  const onboardingSummary = await page.locator("#onboarding-summary").textContent();
  const pace = await page.locator('[data-testid="rollout-pace"]').textContent();
  const paceBars = await bars("#pace-body");
  step("charts drawn");

  const pages = Number(args.pages);
  for (let i = 1; i < pages; i++) {
    await page.click("#next-page");
    await page.locator("#page-number", { hasText: `page ${i + 1} of ` }).waitFor({ timeout: 30000 });
  }
  await page.waitForFunction(first => document.querySelector("#tenants tbody tr")?.dataset.slug !== first, firstPage[0], { timeout: 30000 });
  const laterPage = await shownSlugs();
  const pageNumber = await page.locator("#page-number").textContent();
  step(`paged to ${pageNumber}`);

  const expected = JSON.parse(args["expect-search"]);
  await page.fill("#search", args.search);
  await page.waitForFunction(
    slugs => JSON.stringify([...document.querySelectorAll("#tenants tbody tr")].map(r => r.dataset.slug)) === JSON.stringify(slugs),
    expected, { timeout: 30000 }).catch(() => {});
  const searched = await shownSlugs();
  const searchNote = await page.locator("#tenants-note").textContent();
  const searchPage = await page.locator("#page-number").textContent();
  step(`searched '${args.search}': ${searchNote}`);

  await page.fill("#search", "");
  // Back to the whole fleet (the table of its first page) before the screenshot.
  await page.locator("#page-number", { hasText: `page 1 of ${Math.ceil(Number(args.total) / 50)}` }).waitFor({ timeout: 30000 });
  await page.screenshot({ path: args.screenshot, fullPage: true });
  if (pageErrors.length > 0) throw new Error(`errors on the page: ${pageErrors.join("; ")}`);
  console.log(`RESULT ${JSON.stringify({ total, firstPage, states, versions, onboarding, onboardingSummary, pace, paceBars: paceBars.length, laterPage, pageNumber, searched, searchNote, searchPage })}`);
} catch (error) {
  await page.screenshot({ path: args.screenshot.replace(/\.png$/, "-failed.png"), fullPage: true }).catch(() => {});
  console.error(`FAILED ${error.stack || error}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
