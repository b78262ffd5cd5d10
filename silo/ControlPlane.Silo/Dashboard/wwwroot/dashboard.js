// The operators' status page: plain browser JavaScript over the same HTTP API as the CLI, no build step.
// Every value from the API reaches the page as a text node, never parsed as HTML, so nothing it holds is markup.
"use strict";

const KEY_STORAGE = "controlplane.apiKey";
const REFRESH_MS = 2000;
// One page of the table at a time, paged and searched by the server (GET /v1/tenants with its cursor and filters):
// the page costs the same with 20 tenants or 20,000.
const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;
const STATES = ["Requested", "SchemaCreated", "Migrated", "Seeded", "Active", "Suspended", "Failed", "Deprovisioning", "Deleted"];
const OPEN_ROLLOUT = ["Scheduled", "WaitingForWindow", "Running", "Paused", "Halted"];

// cursors[i] is the `after` of page i (null for the first); going back pops to the one before.
const view = { tenants: [], next: null, cursors: [null], counts: null, matching: null, selected: null, timer: null, searchTimer: null };

function $(id) { return document.getElementById(id); }

// Builds an element; children that are strings become text nodes, so they are never parsed as HTML.
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined) continue;
    if (name === "className") node.className = value;
    else node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path) {
  const response = await fetch(path, { headers: { "X-Api-Key": sessionStorage.getItem(KEY_STORAGE) || "", "Accept": "application/json" } });
  if (!response.ok) {
    let detail = response.statusText;
    try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch { /* not JSON */ }
    throw new ApiError(response.status, `${response.status} ${detail}`);
  }
  return response.json();
}

function age(iso) {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

// Widths go through the CSSOM: the page's policy forbids inline style attributes.
function segment(className, percent) {
  const node = el("div", { className });
  node.style.width = `${percent}%`;
  return node;
}

// A server from before tiers sends none: its tenants all have a schema of their own.
function tier(tenant) { return tenant.tier || "schema"; }

function stateBadge(state) { return el("span", { className: `state state-${state}` }, state); }

function filterQuery() {
  const query = new URLSearchParams();
  const search = $("search").value.trim();
  if (search) query.set("q", search);
  if ($("state-filter").value) query.set("state", $("state-filter").value);
  if ($("version-filter").value) query.set("version", $("version-filter").value);
  if ($("tier-filter").value) query.set("tier", $("tier-filter").value);
  return query;
}

async function loadPage() {
  const query = filterQuery();
  const filtered = query.toString() !== "";
  query.set("limit", String(PAGE_SIZE));
  const after = view.cursors[view.cursors.length - 1];
  if (after) query.set("after", after);
  const [page, counts, matching] = await Promise.all([
    api(`/v1/tenants?${query}`),
    api("/v1/tenants/stats/counts"),
    filtered ? api(`/v1/tenants/stats/counts?${filterQuery()}`) : null]);
  view.tenants = page.items;
  view.next = page.next;
  view.counts = counts;
  view.matching = matching || counts;
}

function renderCounts() {
  const counts = view.counts;
  $("state-counts").replaceChildren(...STATES.map(state =>
    el("li", { "data-state": state }, el("span", { className: "count" }, counts.byState[state] || 0), stateBadge(state))));
  $("tenant-total").textContent = `(${counts.total} in all)`;
  const { barChart } = window.ControlPlaneCharts;
  $("chart-states").replaceChildren(barChart(
    STATES.map(state => ({ label: state, value: counts.byState[state] || 0, className: `state-${state}` })),
    { title: "Tenants by state", width: 640 }));
  $("chart-versions").replaceChildren(barChart(
    counts.byVersion.map(v => ({ label: `v${v.version}`, value: v.count })),
    { title: "Tenants by version", width: 360 }));
  const versions = $("version-filter");
  const chosen = versions.value;
  versions.replaceChildren(el("option", { value: "" }, "All versions"),
    ...counts.byVersion.map(v => el("option", { value: v.version }, `version ${v.version}`)));
  versions.value = counts.byVersion.some(v => String(v.version) === chosen) ? chosen : "";
}

// Labels as "plan=free, region=eu" (by key); the text is set as text, never as markup.
function labelText(labels) {
  return Object.keys(labels || {}).sort().map(k => `${k}=${labels[k]}`).join(", ");
}

function renderTenants() {
  $("tenants").tBodies[0].replaceChildren(...view.tenants.map(t => {
    const row = el("tr", { "data-slug": t.slug, className: t.slug === view.selected ? "selected" : null },
      el("td", {}, t.slug),
      el("td", {}, t.displayName),
      el("td", { className: "state-cell" }, stateBadge(t.state)),
      el("td", { className: "tier-cell" }, tier(t)),
      el("td", {}, t.migrationVersion),
      el("td", { className: "labels" }, labelText(t.labels)),
      el("td", { className: "error-text" }, t.lastError || ""),
      el("td", { title: t.createdAt }, age(t.createdAt)));
    row.addEventListener("click", () => selectTenant(t.slug));
    return row;
  }));
  const first = (view.cursors.length - 1) * PAGE_SIZE;
  const matching = view.matching ? view.matching.total : view.tenants.length;
  $("page-number").textContent = `page ${view.cursors.length} of ${Math.max(1, Math.ceil(matching / PAGE_SIZE))}`;
  $("prev-page").disabled = view.cursors.length === 1;
  $("next-page").disabled = !view.next;
  $("tenants-note").textContent = view.tenants.length === 0
    ? `none of ${view.counts.total} tenants match`
    : `${first + 1}-${first + view.tenants.length} of ${matching} matching (${view.counts.total} in all)`;
}

// A new search or filter starts again from the first page.
function restartPaging() {
  view.cursors = [null];
  refreshNow();
}

async function selectTenant(slug) {
  view.selected = slug;
  renderTenants();
  await renderTimeline();
}

async function renderTimeline() {
  if (!view.selected) return;
  const tenant = await api(`/v1/tenants/${encodeURIComponent(view.selected)}`);
  $("timeline").hidden = false;
  $("timeline-title").textContent = `Timeline of ${tenant.slug} (${tenant.state}, version ${tenant.migrationVersion}`
    + (labelText(tenant.labels) ? `, labels ${labelText(tenant.labels)})` : ")")
    + (tenant.lockWait ? `: waiting for a lock, ${tenant.lockWait.tries} tries since ${new Date(tenant.lockWait.since).toLocaleTimeString()} (${tenant.lockWait.lastError})` : "");
  // Where its data is: its own schema and role, or the shared pooled schema and its data role.
  $("timeline-tier").textContent = `${tier(tenant)} tier: schema ${tenant.schema}, role ${tenant.role}`;
  $("timeline-events").replaceChildren(...[...tenant.timeline].reverse().map(e =>
    el("li", {}, el("time", { datetime: e.at }, new Date(e.at).toLocaleString()), " ",
      e.from ? `${e.from} → ` : "", stateBadge(e.to), e.step ? ` [${e.step}]` : "", e.detail ? ` ${e.detail}` : "")));
  const backups = (await api(`/v1/tenants/${encodeURIComponent(tenant.slug)}/backups`)).items;
  $("timeline-backups").replaceChildren(...(backups.length ? backups : [null]).map(b => b === null
    ? el("li", {}, "none")
    : el("li", {}, el("time", { datetime: b.takenAt ?? b.requestedAt }, new Date(b.takenAt ?? b.requestedAt).toLocaleString()),
        ` ${b.id} ${b.kind} ${b.state}`, b.migrationVersion != null ? `, version ${b.migrationVersion}` : "",
        b.size != null ? `, ${b.size} bytes` : "", b.error ? ` (${b.error})` : "")));
}

function renderRollout(rollouts) {
  const body = $("rollout-body");
  const rollout = rollouts.find(r => OPEN_ROLLOUT.includes(r.state)) || rollouts[0];
  if (!rollout) {
    body.replaceChildren(el("p", { className: "muted" }, "No rollout yet."));
    return;
  }
  const t = rollout.totals;
  const finished = t.succeeded + t.failed + t.skipped;
  const percent = n => t.total === 0 ? 0 : (100 * n / t.total);
  const bar = el("div", { className: "progress", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": t.total, "aria-valuenow": finished },
    segment("done", percent(t.succeeded)), segment("failed", percent(t.failed)), segment("skipped", percent(t.skipped)));
  const waves = el("table", { id: "waves" },
    el("thead", {}, el("tr", {}, ...["Wave", "Size", "Pending", "Running", "Succeeded", "Failed", "Skipped"].map(h => el("th", {}, h)))),
    el("tbody", {}, ...rollout.waves.map((w, i) => el("tr", { "data-wave": w.name, className: i === rollout.currentWave && OPEN_ROLLOUT.includes(rollout.state) ? "selected" : null },
      el("td", {}, w.name), el("td", {}, w.size), el("td", {}, w.counts.pending), el("td", {}, w.counts.running),
      el("td", {}, w.counts.succeeded), el("td", {}, w.counts.failed), el("td", {}, w.counts.skipped)))));
  const failed = rollout.failedTenants.length === 0 ? null : el("div", {},
    el("h3", {}, "Failed tenants"),
    el("ul", { id: "failed-tenants" }, ...rollout.failedTenants.map(f => el("li", {}, `${f.slug} (wave ${f.wave}, still at version ${f.fromVersion}${f.lockTries > 1 ? `, ${f.lockTries} tries` : ""}): ${f.error || ""}`))));
  body.replaceChildren(...[
    el("p", {}, `Rollout ${rollout.id} to version ${rollout.targetVersion}: `,
      el("span", { "data-testid": "rollout-state", className: `state state-${rollout.state}` }, rollout.state),
      rollout.reason ? ` (${rollout.reason})` : ""),
    rollout.state === "Scheduled" && rollout.notBefore
      ? el("p", { "data-testid": "rollout-not-before" }, "Starts at ",
        el("time", { datetime: rollout.nextRunAt || rollout.notBefore }, new Date(rollout.nextRunAt || rollout.notBefore).toLocaleString()), " (not before; its reminder starts it)")
      : null,
    rollout.state === "WaitingForWindow" && rollout.nextRunAt
      ? el("p", { "data-testid": "rollout-next-run" }, "Waiting for window: next run at ",
        el("time", { datetime: rollout.nextRunAt }, new Date(rollout.nextRunAt).toLocaleString()),
        rollout.windows ? ` (windows: ${rollout.windows.map(w => `${w.days} ${w.from}-${w.to} ${w.timeZone}`).join("; ")})` : "")
      : null,
    bar,
    el("p", { "data-testid": "rollout-progress" }, `${finished} / ${t.total} tenants done: ${t.succeeded} succeeded, ${t.failed} failed, ${t.skipped} skipped, ${t.running} running`
      + (rollout.etaSeconds ? `, about ${Math.ceil(rollout.etaSeconds)} s left` : "")
      + (rollout.lockWaiting ? `, ${rollout.lockWaiting} waiting for a lock` : "")),
    waves,
    failed].filter(node => node !== null));
}

async function renderPace(rollouts) {
  const rollout = rollouts.find(r => OPEN_ROLLOUT.includes(r.state)) || rollouts[0];
  const body = $("pace-body");
  if (!rollout) {
    body.replaceChildren(el("p", { className: "muted" }, "No rollout yet."));
    return;
  }
  const pace = await api(`/v1/rollouts/${encodeURIComponent(rollout.id)}/throughput`);
  const clock = iso => new Date(iso).toLocaleTimeString();
  body.replaceChildren(
    el("p", { "data-testid": "rollout-pace" }, `Rollout ${pace.id}: ${pace.finished} of ${pace.total} finished, `
      + (pace.tenantsPerSecond ? `${pace.tenantsPerSecond.toFixed(1)} tenants/s in the last minute` : "no tenant finished in the last minute")
      + (pace.etaSeconds ? `, ETA ${Math.ceil(pace.etaSeconds)} s (${new Date(Date.now() + pace.etaSeconds * 1000).toLocaleTimeString()})` : "")),
    window.ControlPlaneCharts.barChart(
      pace.points.map(p => ({ label: clock(p.at), value: p.tenantsPerSecond })),
      { title: `Tenants per second (buckets of ${pace.bucketSeconds} s)`, width: 640, valueText: v => v.toFixed(1) }));
}

async function renderOnboarding() {
  const latency = await api("/v1/tenants/stats/onboarding?window=PT1H");
  const ms = v => v === null || v === undefined ? "-" : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`;
  const edge = v => v < 1000 ? `${v}ms` : `${v / 1000}s`;
  $("onboarding-summary").textContent = latency.count === 0
    ? "No tenant became Active in the last hour."
    : `${latency.count} tenants became Active in the last hour: p50 ${ms(latency.p50Ms)}, p95 ${ms(latency.p95Ms)}, max ${ms(latency.maxMs)}`;
  $("chart-onboarding").replaceChildren(window.ControlPlaneCharts.barChart(
    latency.buckets.map(b => ({ label: b.toMs === null ? `${edge(b.fromMs)}+` : `<${edge(b.toMs)}`, value: b.count })),
    { title: "Onboarding latency, last hour (Requested to Active)", width: 640 }));
}

async function renderCluster() {
  const body = $("cluster-body");
  try {
    const cluster = await api("/v1/cluster");
    body.replaceChildren(el("table", {},
      el("thead", {}, el("tr", {}, ...["Silo", "Address", "Status", "Grains", "Started", "Last heartbeat"].map(h => el("th", {}, h)))),
      el("tbody", {}, ...cluster.silos.map(s => el("tr", { "data-silo": s.siloId },
        el("td", {}, s.name), el("td", {}, s.address || ""), el("td", {}, stateBadge(s.status)), el("td", {}, s.activeGrains ?? ""),
        el("td", {}, s.startedAt ? new Date(s.startedAt).toLocaleString() : ""), el("td", {}, s.heartbeatAt ? `${age(s.heartbeatAt)} ago` : ""))))));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      body.replaceChildren(el("p", { className: "muted" }, "This silo does not report cluster membership (no /v1/cluster)."));
      return;
    }
    throw error;
  }
}

async function renderPool() {
  const pool = await api("/v1/pool");
  $("pool").textContent = pool.size === 0
    ? "Warm pool: off (every onboarding builds its schema)"
    : `Warm pool: ${pool.ready} of ${pool.size} ready, ${pool.refilling} refilling${pool.stale ? `, ${pool.stale} stale` : ""}`;
}

async function refresh() {
  try {
    const [, rollouts] = await Promise.all([loadPage(), api("/v1/rollouts?limit=5")]);
    renderCounts();
    renderTenants();
    renderRollout(rollouts);
    await Promise.all([renderCluster(), renderTimeline(), renderOnboarding(), renderPace(rollouts), renderPool()]);
    $("banner").hidden = true;
    $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      signOut(`The API refused the key: ${error.message}`);
      return;
    }
    $("banner").textContent = `Refresh failed: ${error.message}`;
    $("banner").hidden = false;
  }
  view.timer = setTimeout(refresh, REFRESH_MS);
}

// Refreshes at once (after a search or a page change), in place of the next timed refresh.
function refreshNow() {
  clearTimeout(view.timer);
  refresh();
}

function signIn() {
  $("login").hidden = true;
  $("app").hidden = false;
  $("sign-out").hidden = false;
  clearTimeout(view.timer);
  refresh();
}

function signOut(message) {
  clearTimeout(view.timer);
  sessionStorage.removeItem(KEY_STORAGE);
  $("app").hidden = true;
  $("sign-out").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message || "";
}

document.addEventListener("DOMContentLoaded", () => {
  $("state-filter").append(...STATES.map(s => el("option", { value: s }, s)));
  $("search").addEventListener("input", () => {
    clearTimeout(view.searchTimer);
    view.searchTimer = setTimeout(restartPaging, SEARCH_DELAY_MS);
  });
  $("state-filter").addEventListener("change", restartPaging);
  $("version-filter").addEventListener("change", restartPaging);
  $("tier-filter").addEventListener("change", restartPaging);
  $("next-page").addEventListener("click", () => {
    if (!view.next) return;
    view.cursors.push(view.next);
    refreshNow();
  });
  $("prev-page").addEventListener("click", () => {
    if (view.cursors.length === 1) return;
    view.cursors.pop();
    refreshNow();
  });
  $("sign-out").addEventListener("click", () => signOut());
  $("login-form").addEventListener("submit", event => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $("api-key").value.trim());
    $("api-key").value = "";
    signIn();
  });
  if (sessionStorage.getItem(KEY_STORAGE)) signIn(); else signOut();
});
