// Reports in the admin panel, from a real call: agent console and client
// page talk for ~15 s through the media gateway (so its 5 s stats arrive
// at least twice), the agent ends, vc-stat computes the call's metrics; the
// admin finds the call in Reports, opens its page (metrics summary, quality
// charts, timeline), reloads it by its URL, exports the list to Excel; the
// page at tablet width and in Russian; a supervisor of another team does
// not see the call.
//
// The tests run in order and share the call. Environment
// (tests/system/browser.rs): VC_BASE_URL, VC_ADMIN_LOGIN, VC_ADMIN_PASSWORD.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ADMIN_LOGIN,
  ADMIN_PASSWORD,
  BASE,
  launch,
  person,
  tid,
  rest,
  apiToken,
  agentSignsIn,
  agentCreates,
  clientJoins,
  clientRecord,
  statusIs,
  receivesVideo,
  waitFor,
} from './lib.mjs';

const suffix = Date.now().toString(36);
const AGENT = { login: `e2e.rep.agent.${suffix}`, password: 'rep-agent-pass-1', name: 'Rita Reportova' };
const SUPERVISOR = { login: `e2e.rep.super.${suffix}`, password: 'rep-super-pass-1', name: 'Sid Elsewhere' };
const CLIENT_NAME = `Client ${suffix}`;
// A phone of this run only (the list filters by it, in E.164).
const PHONE = `+7999${String(Date.now() % 10_000_000).padStart(7, '0')}`;
/** How long the call stays up after it is active. */
const TALK_MS = 15_000;

let browser;
let adminToken;
let agentId;
/** The call's interaction id, once made. */
let interactionId;

const sel = (id, attrs = {}) => tid(id) + Object.entries(attrs).map(([k, v]) => `[data-${k}="${v}"]`).join('');

/** With VC_E2E_SHOTS=<dir>, a full-page screenshot for a person to look at. */
async function shot(page, name) {
  if (process.env.VC_E2E_SHOTS) await page.screenshot({ path: join(process.env.VC_E2E_SHOTS, `${name}.png`), fullPage: true });
}

/** Signs in at /admin/ and waits for the panel's frame. */
async function panelSignIn(page, login, password, lang = 'en') {
  await page.goto(`${BASE}/admin/?lang=${lang}`);
  await page.fill(tid('login-username'), login);
  await page.fill(tid('login-password'), password);
  await page.click(tid('login-submit'));
  await page.waitForSelector(tid('nav'), { state: 'attached' });
}

/** Opens Reports, filters by this run's phone (and `extra` selects), waits for the answer. */
async function filterReports(page, extra = {}) {
  await page.click(tid('nav-reports'));
  await page.waitForSelector(`${tid('reports')}[data-loaded="true"]`);
  await page.fill(tid('report-phone'), PHONE);
  for (const [id, value] of Object.entries(extra)) await page.selectOption(tid(id), value);
  // The total is written again once the filtered answer is in.
  await page.evaluate((q) => document.querySelector(q)?.removeAttribute('data-total'), tid('report-total'));
  await page.click(tid('report-apply'));
  await page.waitForSelector(`${tid('report-total')}[data-total]`, { state: 'attached' });
}

before(async () => {
  browser = await launch();
  adminToken = await apiToken(ADMIN_LOGIN, ADMIN_PASSWORD);
  // The agent works in one team; the supervisor supervises another.
  const mine = await rest('POST', '/api/teams', adminToken, { name: `Reports ${suffix}` });
  assert.equal(mine.status, 201, JSON.stringify(mine.body));
  const other = await rest('POST', '/api/teams', adminToken, { name: `Elsewhere ${suffix}` });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  const a = await rest('POST', '/api/users', adminToken, { login: AGENT.login, password: AGENT.password, role: 'agent', name: AGENT.name, team_id: mine.body.id });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  agentId = a.body.id;
  const s = await rest('POST', '/api/users', adminToken, { login: SUPERVISOR.login, password: SUPERVISOR.password, role: 'supervisor', name: SUPERVISOR.name, supervises: [other.body.id] });
  assert.equal(s.status, 201, JSON.stringify(s.body));
});

after(async () => {
  await browser?.close();
});

test('a real 15 s call gets plausible metrics once it has ended', async () => {
  const agent = await person(browser);
  const client = await person(browser);
  try {
    await agentSignsIn(agent.page, { login: AGENT.login, password: AGENT.password });
    await agentCreates(agent.page, { name: CLIENT_NAME, phone: PHONE });
    await agent.page.waitForFunction((q) => /\/c\/[A-Za-z0-9_-]{20,}/.test(document.querySelector(q)?.textContent ?? ''), tid('client-link'));
    const url = (await agent.page.textContent(tid('client-link'))).trim();
    await clientJoins(client.page, url);
    await statusIs(agent.page, 'active', 30000);
    await statusIs(client.page, 'active', 30000);
    const activeAt = Date.now();
    assert.ok((await receivesVideo(agent.page)) >= 5, 'the agent sees the client');
    assert.ok((await receivesVideo(client.page)) >= 5, 'the client sees the agent');
    interactionId = (await clientRecord(client.page))?.interaction_id;
    assert.ok(interactionId, 'the client page knows its interaction');
    const left = TALK_MS - (Date.now() - activeAt);
    if (left > 0) await agent.page.waitForTimeout(left);
    await agent.page.click(tid('end-call'));
    await statusIs(agent.page, 'ended', 15000);
  } finally {
    await agent.context.close();
    await client.context.close();
  }

  // vc-stat computes the metrics after the end.
  let i = null;
  await waitFor(async () => {
    const r = await rest('GET', `/api/interactions/${interactionId}`, adminToken);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    i = r.body;
    return !!i.metrics;
  }, { timeout: 30000, what: 'metrics on the interaction' });
  const m = i.metrics;
  const t = m.timing;
  assert.equal(i.agent_id, agentId);
  assert.ok(t.to_joined_s !== undefined && t.to_connected_s !== undefined, `timing: ${JSON.stringify(t)}`);
  assert.ok(t.to_connected_s >= t.to_joined_s, `connected after joined: ${JSON.stringify(t)}`);
  assert.ok(t.talk_s > 5, `talk time ${t.talk_s}`);
  assert.ok(m.client_to_agent.video.bitrate_kbps?.avg > 0, `client→agent video bitrate: ${JSON.stringify(m.client_to_agent)}`);
  assert.match(m.device?.browser ?? '', /chrom/i, `device: ${JSON.stringify(m.device)}`);
  assert.ok(m.samples >= 2, `samples: ${m.samples}`);
  assert.equal(m.ended_by, 'agent');
  assert.ok(['good', 'fair', 'poor'].includes(m.quality.rating), `quality: ${JSON.stringify(m.quality)}`);

  const series = await rest('GET', `/api/interactions/${interactionId}/metrics`, adminToken);
  assert.equal(series.status, 200, JSON.stringify(series.body));
  assert.equal(series.body.interaction_id, interactionId);
  assert.ok(series.body.series.length > 0, 'the series has points');
  assert.ok(series.body.series.some((p) => p.direction === 'client_to_agent' && p.video_kbps > 0), 'client→agent video in the series');
});

test('the admin finds the call in Reports, opens its page and exports to Excel', async () => {
  assert.ok(interactionId, 'the call of the first test');
  const { context, page } = await person(browser, { contextOptions: { viewport: { width: 1280, height: 800 }, acceptDownloads: true } });
  page.on('pageerror', (e) => console.log(`admin page error: ${e.message}`));
  try {
    await panelSignIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
    assert.ok(await page.isVisible(tid('nav-reports')), 'Reports in the navigation');
    await filterReports(page, { 'report-agent': agentId });
    const row = page.locator(sel('report-row', { id: interactionId }));
    await row.waitFor();
    assert.equal(await page.getAttribute(tid('report-total'), 'data-total'), '1', 'this run\'s phone and agent: one call');
    assert.equal(await row.getAttribute('data-status'), 'ended');
    assert.ok(['good', 'fair', 'poor'].includes(await row.getAttribute('data-quality')), 'the row has the quality');
    assert.match(await row.textContent(), new RegExp(CLIENT_NAME));
    assert.match(await row.locator(tid('quality-badge')).textContent(), /Good|Fair|Poor/);
    await shot(page, 'reports-list');

    // The row opens the interaction's page, at its own URL.
    await row.locator('td').first().click();
    await page.waitForSelector(`${sel('interaction-page', { id: interactionId })}[data-loaded="true"]`);
    assert.equal(new URL(page.url()).hash, `#/reports/${interactionId}`);
    await checkPage(page);
    await shot(page, 'reports-page');

    // Reload-safe: the URL brings the page back.
    await page.reload();
    await page.waitForSelector(`${sel('interaction-page', { id: interactionId })}[data-loaded="true"]`);
    await page.waitForSelector(`${tid('chart-bitrate')} canvas`);

    // Back to the list; the export of the same filters.
    await page.click(tid('report-back'));
    await page.waitForSelector(`${tid('reports')}[data-loaded="true"]`);
    await filterReports(page, { 'report-agent': agentId });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), page.click(tid('export-xlsx'))]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const bytes = await readFile(await download.path());
    assert.ok(bytes.length > 100, `the file has ${bytes.length} bytes`);
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an .xlsx is a zip');
    await page.waitForSelector(sel('reports-status', { state: 'ok' }));
  } finally {
    await context.close();
  }
});

/** The interaction page of the call: summary, charts, timeline. */
async function checkPage(page) {
  await page.waitForSelector(sel('metrics-summary', { state: 'ready' }));
  const bitrate = await page.textContent(sel('metrics-bitrate', { direction: 'client_to_agent' }));
  assert.match(bitrate, /\d+ kbit\/s/, `the summary shows a bitrate: ${bitrate}`);
  assert.match(await page.textContent(tid('metrics-device')), /Chrom/i);
  for (const id of ['chart-bitrate', 'chart-loss', 'chart-rtt', 'chart-video']) {
    await page.waitForSelector(`${tid(id)} canvas`, { timeout: 15000 });
    const size = await page.$eval(`${tid(id)} canvas`, (c) => ({ w: c.width, h: c.height }));
    assert.ok(size.w > 100 && size.h > 50, `${id} is drawn: ${JSON.stringify(size)}`);
  }
  assert.ok(Number(await page.getAttribute(tid('quality-charts'), 'data-points')) > 0, 'charts have points');
  assert.ok((await page.textContent(tid('quality-worst'))).length > 10, 'the worst moment (or none) is said');
  const events = await page.$$eval(tid('timeline-event'), (ns) => ns.map((n) => ({ type: n.dataset.type, text: n.textContent })));
  const join = events.find((e) => e.type === 'consent_given');
  const end = events.find((e) => e.type === 'ended');
  assert.ok(join, `the timeline has the join: ${JSON.stringify(events)}`);
  assert.ok(end, `the timeline has the end: ${JSON.stringify(events)}`);
  assert.match(join.text, /joined/);
  assert.match(end.text, /Ended by the agent/);
  await page.waitForSelector(tid('history-chat'));
  await page.waitForSelector(tid('history-files'));
  await page.waitForSelector(tid('history-survey'));
  await page.waitForSelector(tid('history-recording'));
  assert.match(await page.textContent(tid('interaction-client')), new RegExp(CLIENT_NAME));
}

test('the interaction page at tablet width, in Russian', async () => {
  assert.ok(interactionId, 'the call of the first test');
  const { context, page } = await person(browser, { locale: 'ru-RU', contextOptions: { viewport: { width: 768, height: 1024 } } });
  try {
    await panelSignIn(page, ADMIN_LOGIN, ADMIN_PASSWORD, 'ru');
    await page.evaluate((id) => {
      location.hash = `#/reports/${id}`;
    }, interactionId);
    await page.waitForSelector(`${sel('interaction-page', { id: interactionId })}[data-loaded="true"]`);
    await page.waitForSelector(`${tid('chart-video')} canvas`);
    const layout = await page.evaluate(() => ({
      pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      chartWidth: document.querySelector('[data-testid="chart-bitrate"]')?.getBoundingClientRect().width ?? 0,
    }));
    assert.ok(layout.pageOverflow <= 1, `nothing sticks out sideways: ${JSON.stringify(layout)}`);
    assert.ok(layout.chartWidth > 300 && layout.chartWidth <= 768, `the chart fits: ${JSON.stringify(layout)}`);
    assert.match(await page.textContent(sel('timeline-event', { type: 'consent_given' })), /Клиент/);
    assert.match(await page.textContent(sel('metrics-bitrate', { direction: 'client_to_agent' })), /кбит\/с/);
    await shot(page, 'reports-page-tablet');
  } finally {
    await context.close();
  }
});

test('a supervisor of another team does not see the call', async () => {
  assert.ok(interactionId, 'the call of the first test');
  const token = await apiToken(SUPERVISOR.login, SUPERVISOR.password);
  const list = await rest('GET', `/api/interactions?phone=${encodeURIComponent(PHONE)}`, token);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.ok(!list.body.items.some((x) => x.id === interactionId), 'not in the supervisor\'s list');
  const one = await rest('GET', `/api/interactions/${interactionId}`, token);
  assert.notEqual(one.status, 200, 'nor readable by id');

  const { context, page } = await person(browser);
  try {
    await panelSignIn(page, SUPERVISOR.login, SUPERVISOR.password);
    assert.equal(await page.getAttribute(tid('current-user'), 'data-role'), 'supervisor');
    assert.ok(await page.isVisible(tid('nav-reports')), 'a supervisor has Reports');
    await filterReports(page);
    assert.equal(await page.locator(sel('report-row', { id: interactionId })).count(), 0, 'no row of the other team\'s call');
    assert.equal(await page.getAttribute(tid('report-total'), 'data-total'), '0');
    assert.equal(await page.locator(sel('report-agent') + ` option[value="${agentId}"]`).count(), 0, 'nor its agent in the filter');
  } finally {
    await context.close();
  }
});
