// The admin panel (/admin/) as an administrator uses it: teams and users,
// a new password the agent then signs in with, branding the client sees,
// a feature switched off that disappears from the client's page, custom
// fields, the survey, storage and a dry run; booking, moving and cancelling
// a scheduled call; the layout at tablet width; agents and expired sessions
// sent back to the sign-in.
//
// The tests run in order and share what they create (team, agent).
// Environment (tests/system/browser.rs): VC_BASE_URL, VC_ADMIN_LOGIN,
// VC_ADMIN_PASSWORD; VC_SMS_PHONE when an SMS provider is configured.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN_LOGIN,
  ADMIN_PASSWORD,
  BASE,
  launch,
  person,
  tid,
  rest,
  agentSignsIn,
  apiToken,
  clientJoins,
  getSettings,
  newInteraction,
  writePng,
} from './lib.mjs';

const SMS_PHONE = process.env.VC_SMS_PHONE ?? '';

const suffix = Date.now().toString(36);
const TEAM = `Support ${suffix}`;
const AGENT = { login: `e2e.agent.${suffix}`, name: 'Anna Agentova', first: 'first-pass-123', second: 'second-pass-456' };
const COMPANY = `Acme ${suffix}`;
const ACCENT = '#c0392b';

let browser;
/** The admin's page, signed in (1280 x 800). */
let admin;
let adminToken;
let agentId;

/** With VC_E2E_SHOTS=<dir>, a full-page screenshot for a person to look at. */
async function shot(page, name) {
  if (process.env.VC_E2E_SHOTS) await page.screenshot({ path: join(process.env.VC_E2E_SHOTS, `${name}.png`), fullPage: true });
}

const sel = (id, attrs = {}) => tid(id) + Object.entries(attrs).map(([k, v]) => `[data-${k}="${v}"]`).join('');

/** Signs in at /admin/ and waits for the panel. */
async function signIn(page, login, password) {
  await page.goto(`${BASE}/admin/?lang=en`);
  await page.fill(tid('login-username'), login);
  await page.fill(tid('login-password'), password);
  await page.click(tid('login-submit'));
}

/** Opens a section from the side navigation and waits until it has read its data. */
async function open(page, id, testid = id) {
  await page.click(tid(`nav-${id}`));
  await page.waitForSelector(`${tid(testid)}[data-loaded="true"]`);
}

/**
 * Does `action` and waits for the form's status line to speak again (a
 * message left from before does not count); asserts it says ok.
 */
async function expectOk(page, id, action, timeout = 15000) {
  await page.evaluate((q) => {
    const n = document.querySelector(q);
    if (n) n.dataset.state = 'stale';
  }, tid(id));
  await action();
  await page.waitForFunction((q) => {
    const s = document.querySelector(q)?.dataset.state;
    return s === 'ok' || s === 'error';
  }, tid(id), { timeout });
  const s = page.locator(tid(id));
  assert.equal(await s.getAttribute('data-state'), 'ok', `${id}: ${await s.textContent()}`);
}

/** Like `expectOk`, expecting the page to refuse (`error`) before sending anything. */
async function expectError(page, id, action) {
  await page.evaluate((q) => {
    const n = document.querySelector(q);
    if (n) n.dataset.state = 'stale';
  }, tid(id));
  await action();
  await page.waitForSelector(sel(id, { state: 'error' }));
}

before(async () => {
  browser = await launch();
  admin = await person(browser, { contextOptions: { viewport: { width: 1280, height: 800 } } });
  admin.page.on('pageerror', (e) => console.log(`admin page error: ${e.message}`));
  adminToken = await apiToken(ADMIN_LOGIN, ADMIN_PASSWORD);
});

after(async () => {
  await browser?.close();
});

test('an agent sees only Reports, with its own calls', async () => {
  const token = adminToken;
  const login = `e2e.plain.${suffix}`;
  const r = await rest('POST', '/api/users', token, { login, password: 'plain-pass-123', role: 'agent', name: 'Plain Agent' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const { context, page } = await person(browser);
  try {
    await signIn(page, login, 'plain-pass-123');
    await page.waitForSelector(tid('reports'));
    assert.equal(await page.locator(tid('users')).count(), 0, 'no user management for agents');
    assert.equal(await page.locator(tid('branding')).count(), 0);
    // No agent or team to choose: the list is the agent's own.
    assert.equal(await page.locator(tid('report-agent')).count(), 0);
    assert.equal(await page.locator(tid('report-team')).count(), 0);
    await page.waitForSelector(`${tid('report-total')}[data-total]`);
    assert.equal(await page.getAttribute(tid('report-total'), 'data-total'), '0', 'a new agent has no calls');
  } finally {
    await context.close();
  }
});

test('the admin signs in and creates a team and an agent in it', async () => {
  const page = admin.page;
  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.waitForSelector(`${tid('users')} ${tid('users-table')}`);
  await page.waitForSelector(`${tid('users-table')} ${sel('user-row', { login: ADMIN_LOGIN })}`);
  for (const id of ['users', 'branding', 'features', 'schedule', 'custom-fields', 'survey', 'storage']) {
    assert.ok(await page.isVisible(tid(`nav-${id}`)), `nav-${id} is shown`);
  }

  // The team.
  await page.fill(tid('team-name'), TEAM);
  await expectOk(page, 'teams-status', () => page.click(tid('team-create')));
  const teamRow = page.locator(sel('team-row', { name: TEAM }));
  await teamRow.waitFor();
  const teamId = await teamRow.getAttribute('data-team-id');
  assert.ok(teamId);

  // The agent, in that team.
  await page.click(tid('user-create'));
  await page.waitForSelector(tid('user-form'));
  await page.fill(tid('user-login'), AGENT.login);
  await page.fill(tid('user-name'), AGENT.name);
  await page.selectOption(tid('user-role'), 'agent');
  await page.fill(tid('user-password'), AGENT.first);
  await page.selectOption(tid('user-team'), teamId);
  await shot(page, 'desktop-user-form');
  await expectOk(page, 'users-status', () => page.click(tid('user-save')));
  await page.waitForSelector(tid('user-form'), { state: 'detached' });
  const row = page.locator(sel('user-row', { login: AGENT.login }));
  await row.waitFor();
  assert.equal(await row.getAttribute('data-role'), 'agent');
  assert.equal(await row.getAttribute('data-team-id'), teamId);
  assert.equal((await row.locator(tid('user-row-teams')).textContent()).trim(), TEAM);
  agentId = await row.getAttribute('data-user-id');
  await shot(page, 'desktop-users');

  // The team counts its agent; the search finds the agent.
  await page.waitForFunction(([q]) => document.querySelector(q)?.children[1]?.textContent === '1', [sel('team-row', { name: TEAM })]);
  await page.fill(tid('user-search'), AGENT.login.slice(0, 12));
  await page.waitForFunction(
    ([q, login]) => {
      const rows = [...document.querySelectorAll(q)];
      return rows.length > 0 && rows.every((r) => r.dataset.login.startsWith(login.slice(0, 12))) && rows.some((r) => r.dataset.login === login);
    },
    [tid('user-row'), AGENT.login],
  );
  await page.fill(tid('user-search'), '');

  // The server agrees.
  const u = await rest('GET', `/api/users/${agentId}`, adminToken);
  assert.equal(u.status, 200);
  assert.equal(u.body.team_id, teamId);
  assert.equal(u.body.name, AGENT.name);
});

test('a new password set by the admin lets the agent sign in at /agent/', async () => {
  const page = admin.page;
  const row = page.locator(sel('user-row', { login: AGENT.login }));
  await row.locator(tid('user-reset-password')).click();
  await page.waitForSelector(tid('password-dialog'));
  await page.fill(tid('new-password'), AGENT.second);
  await expectOk(page, 'users-status', () => page.click(tid('password-save')));
  await page.waitForSelector(tid('password-dialog'), { state: 'detached' });

  const old = await rest('POST', '/api/auth/login', null, { login: AGENT.login, password: AGENT.first });
  assert.equal(old.status, 401, 'the old password no longer works');

  const { context, page: agentPage } = await person(browser);
  try {
    await agentSignsIn(agentPage, { login: AGENT.login, password: AGENT.second });
  } finally {
    await context.close();
  }
});

test('a supervisor sees the agents of its teams, read-only, and the scheduled calls', async () => {
  const teams = await rest('GET', '/api/teams', adminToken);
  const team = teams.body.items.find((t) => t.name === TEAM);
  assert.ok(team, JSON.stringify(teams.body));
  // An agent of another team, whom the supervisor must not see.
  const other = await rest('POST', '/api/teams', adminToken, { name: `Other ${suffix}` });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  const outsider = `e2e.outsider.${suffix}`;
  const o = await rest('POST', '/api/users', adminToken, { login: outsider, password: 'outsider-pass-1', role: 'agent', name: 'Oscar Outsider', team_id: other.body.id });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  const login = `e2e.super.${suffix}`;
  const r = await rest('POST', '/api/users', adminToken, { login, password: 'super-pass-123', role: 'supervisor', name: 'Sam Supervisor', supervises: [team.id] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const { context, page } = await person(browser);
  try {
    await signIn(page, login, 'super-pass-123');
    await page.waitForSelector(`${tid('users')}[data-loaded="true"]`);
    assert.equal(await page.getAttribute(tid('current-user'), 'data-role'), 'supervisor');
    assert.ok(await page.isVisible(tid('nav-schedule')));
    for (const id of ['branding', 'features', 'custom-fields', 'survey', 'storage']) {
      assert.equal(await page.locator(tid(`nav-${id}`)).count(), 0, `no ${id} for a supervisor`);
    }
    // Its team's agents (and agents of no team, docs/roles.md), never another team's.
    const rows = await page.$$eval(tid('user-row'), (rs) => rs.map((r) => ({ login: r.dataset.login, role: r.dataset.role, team: r.dataset.teamId ?? null })));
    assert.ok(rows.some((u) => u.login === AGENT.login), JSON.stringify(rows));
    assert.ok(rows.every((u) => u.role === 'agent' && (u.team === null || u.team === team.id)), JSON.stringify(rows));
    assert.ok(!rows.some((u) => u.login === outsider), 'not the agent of another team');
    assert.equal(await page.isVisible(tid('user-create')), false);
    assert.equal(await page.locator(tid('user-edit')).count(), 0);
    assert.equal(await page.isVisible(tid('team-create')), false);
    assert.equal(await page.locator(tid('team-row')).count(), 1);
    await open(page, 'schedule');
    const bookable = await page.$$eval(`${tid('new-schedule-agent')} option`, (opts) => opts.map((x) => x.value).filter(Boolean));
    assert.ok(bookable.includes(agentId), 'books calls for its agents');
    assert.ok(!bookable.includes(o.body.id), 'not for another team\'s');
  } finally {
    await context.close();
  }
});

test('branding: logo, name and accent colour reach a fresh client link', async () => {
  const page = admin.page;
  await open(page, 'branding');
  const png = join(tmpdir(), `va-logo-${suffix}.png`);
  await writePng(png, 120, 40);
  await expectOk(page, 'logo-status', () => page.setInputFiles(tid('logo-input'), png), 20000);
  await page.waitForSelector(`${tid('logo-current')}:visible`);
  const logoId = await page.getAttribute(tid('logo-current'), 'data-file-id');
  assert.ok(logoId, 'the uploaded logo is shown');
  // The picture loads (public URL).
  await page.waitForFunction((q) => {
    const img = document.querySelector(q);
    return img && img.complete && img.naturalWidth === 120;
  }, tid('logo-current'));

  await page.fill(tid('branding-company'), COMPANY);
  await page.fill(tid('accent-color'), ACCENT);
  assert.equal((await page.textContent(tid('preview-company'))).trim(), COMPANY, 'the preview follows the form');
  const previewAccent = await page.$eval(tid('branding-preview'), (n) => n.style.getPropertyValue('--accent'));
  assert.equal(previewAccent, ACCENT);
  await expectOk(page, 'branding-status', () => page.click(tid('branding-save')));
  await shot(page, 'desktop-branding');

  const saved = await getSettings(adminToken, 'branding');
  assert.equal(saved.company_name, COMPANY);
  assert.equal(saved.accent_color.toLowerCase(), ACCENT);
  assert.equal(saved.logo_file_id, logoId);

  // A fresh client link shows them.
  const agentToken = await apiToken(AGENT.login, AGENT.second);
  const { url } = await newInteraction(agentToken);
  const client = await person(browser);
  try {
    await client.page.goto(`${url}?lang=en`);
    await client.page.waitForSelector(tid('company-name'));
    await shot(client.page, 'client-branded');
    assert.equal((await client.page.textContent(tid('company-name'))).trim(), COMPANY);
    const src = await client.page.getAttribute('.brand-head img', 'src');
    assert.ok(src && src.includes(logoId), `the client's logo is the new one: ${src}`);
    await client.page.waitForFunction(() => {
      const img = document.querySelector('.brand-head img');
      return img && img.complete && img.naturalWidth > 0;
    });
    const accent = await client.page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim().toLowerCase());
    assert.equal(accent, ACCENT);
    // With chat on (the default), the call has its chat.
    await clientJoins(client.page, url);
    await client.page.waitForSelector(tid('toggle-mic'));
    await client.page.waitForSelector(tid('chat-toggle'), { state: 'attached' });
  } finally {
    await client.context.close();
  }
});

test('a feature switched off is absent from a new client page', async () => {
  const page = admin.page;
  await open(page, 'features');
  assert.ok(await page.isChecked(tid('feature-chat')), 'chat is on at first');
  // Automatic geolocation follows geolocation.
  if (!(await page.isChecked(tid('feature-geolocation')))) await page.check(tid('feature-geolocation'));
  assert.equal(await page.isDisabled(tid('feature-auto_geolocation')), false);
  await page.uncheck(tid('feature-geolocation'));
  assert.equal(await page.isDisabled(tid('feature-auto_geolocation')), true);
  await page.check(tid('feature-geolocation'));

  await page.uncheck(tid('feature-chat'));
  await shot(page, 'desktop-features');
  await expectOk(page, 'features-status', () => page.click(tid('features-save')));
  assert.equal((await getSettings(adminToken, 'features')).chat, false);

  const agentToken = await apiToken(AGENT.login, AGENT.second);
  const { url, body } = await newInteraction(agentToken);
  if (body.features) assert.equal(body.features.chat, false, 'the interaction copies the switches');
  const client = await person(browser);
  try {
    await clientJoins(client.page, url);
    await client.page.waitForSelector(tid('toggle-mic'));
    await client.page.waitForTimeout(500);
    assert.equal(await client.page.locator(tid('chat-input')).count(), 0, 'no chat input');
    assert.equal(await client.page.locator(tid('chat-toggle')).count(), 0, 'no chat button');
  } finally {
    await client.context.close();
  }

  // Back on for the rest.
  await page.check(tid('feature-chat'));
  await expectOk(page, 'features-status', () => page.click(tid('features-save')));
});

test('a custom field is defined and kept', async () => {
  const page = admin.page;
  await open(page, 'custom-fields');
  const before = await page.locator(tid('custom-field')).count();
  await page.click(tid('field-add'));
  const item = page.locator(tid('custom-field')).nth(before);
  await item.locator(tid('field-key')).fill('policy_number');
  await item.locator(tid('field-label-ru')).fill('Номер полиса');
  await item.locator(tid('field-label-en')).fill('Policy number');
  await item.locator(tid('field-kind')).selectOption('select');
  await item.locator(tid('field-options')).fill('gold\nsilver\n');
  await shot(page, 'desktop-custom-fields');
  // A bad key is caught before anything is sent.
  await item.locator(tid('field-key')).fill('Policy Number');
  await expectError(page, 'custom-fields-status', () => page.click(tid('custom-fields-save')));
  await item.locator(tid('field-key')).fill('policy_number');
  await expectOk(page, 'custom-fields-status', () => page.click(tid('custom-fields-save')));

  const stored = await getSettings(await apiToken(AGENT.login, AGENT.second), 'custom-fields');
  const f = stored.fields.find((x) => x.key === 'policy_number');
  assert.ok(f, JSON.stringify(stored));
  assert.deepEqual(f.options, ['gold', 'silver']);
  assert.equal(f.label.en, 'Policy number');

  await page.reload();
  await page.waitForSelector(`${tid('custom-fields')}[data-loaded="true"]`);
  await page.waitForSelector(sel('custom-field', { key: 'policy_number' }));
  assert.equal(await page.getAttribute(`${sel('custom-field', { key: 'policy_number' })} ${tid('field-key')}`, 'readonly'), '', 'a stored key cannot change');
});

test('a survey question is defined and keeps its id when edited', async () => {
  const page = admin.page;
  await open(page, 'survey', 'survey-settings');
  const before = await page.locator(tid('survey-question')).count();
  await page.click(tid('question-add'));
  const item = page.locator(tid('survey-question')).nth(before);
  await item.locator(tid('question-kind')).selectOption('rating');
  await item.locator(tid('question-text-ru')).fill('Оцените звонок');
  await item.locator(tid('question-text-en')).fill('Rate the call');
  await item.locator(tid('question-required')).check();
  await shot(page, 'desktop-survey');
  await expectOk(page, 'survey-status', () => page.click(tid('survey-save')));
  const saved = page.locator(tid('survey-question')).nth(before);
  await page.waitForFunction(([q, i]) => document.querySelectorAll(q)[i]?.dataset.questionId, [tid('survey-question'), before]);
  const id = await saved.getAttribute('data-question-id');

  await saved.locator(tid('question-text-en')).fill('How was the call?');
  await expectOk(page, 'survey-status', () => page.click(tid('survey-save')));
  const stored = await getSettings(adminToken, 'survey');
  const q = stored.questions.find((x) => x.id === id);
  assert.ok(q, `the question keeps its id ${id}: ${JSON.stringify(stored)}`);
  assert.equal(q.text.en, 'How was the call?');
  assert.equal(q.kind, 'rating');
});

test('storage shows usage and answers a dry run', async () => {
  const page = admin.page;
  await open(page, 'storage');
  assert.equal(await page.locator(tid('usage-row')).count(), 3);
  assert.match(await page.textContent(tid('storage-disk')), /\d/);
  await page.waitForFunction((q) => document.querySelector(q)?.value !== '', tid('retention-schedule'));
  await expectOk(page, 'cleanup-status', () => page.click(tid('cleanup-dry-run')), 30000);
  await page.waitForSelector(`${tid('cleanup-result')}[data-dry-run="true"]`);
  await shot(page, 'desktop-storage');
  // A bad schedule is refused in the page.
  const cron = await page.inputValue(tid('retention-schedule'));
  await page.fill(tid('retention-schedule'), 'every day');
  await expectError(page, 'retention-status', () => page.click(tid('retention-save')));
  await page.fill(tid('retention-schedule'), cron);
  await expectOk(page, 'retention-status', () => page.click(tid('retention-save')));
});

test('a call is booked, moved and cancelled', { skip: SMS_PHONE ? false : 'no SMS provider (VC_SMS_PHONE)' }, async () => {
  const page = admin.page;
  await open(page, 'schedule');
  await page.click(tid('schedule-new-toggle'));
  await page.selectOption(tid('new-schedule-agent'), agentId);
  await page.fill(tid('new-schedule-name'), `Client ${suffix}`);
  await page.fill(tid('new-schedule-phone'), SMS_PHONE);
  const day = new Date(Date.now() + 3 * 24 * 3600_000);
  const date = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
  await page.fill(tid('new-schedule-date'), date);
  await page.fill(tid('new-schedule-time'), '10:30');
  await page.selectOption(tid('new-schedule-zone'), 'Asia/Vladivostok');
  await page.selectOption(tid('new-schedule-channel'), 'sms');
  await expectOk(page, 'schedule-create-status', () => page.click(tid('schedule-create')));
  const row = page.locator(`${tid('schedule-row')}[data-agent-id="${agentId}"]`).first();
  await row.waitFor();
  assert.equal(await row.getAttribute('data-state'), 'pending');
  assert.match(await row.locator(tid('schedule-time-client')).textContent(), /10:30.*Asia\/Vladivostok/);
  const id = await row.getAttribute('data-interaction-id');
  await shot(page, 'desktop-schedule');

  // Moved to 11:45 client time.
  await row.locator(tid('schedule-reschedule')).click();
  await page.fill(tid('reschedule-time'), '11:45');
  await expectOk(page, 'schedule-status', () => page.click(tid('reschedule-save')));
  await page.waitForSelector(tid('reschedule-dialog'), { state: 'detached' });
  const moved = page.locator(`${tid('schedule-row')}[data-interaction-id="${id}"]`);
  await page.waitForFunction((q) => /11:45/.test(document.querySelector(q)?.textContent ?? ''), `${tid('schedule-row')}[data-interaction-id="${id}"] ${tid('schedule-time-client')}`);

  // Cancelled, with a reason, after confirming.
  await moved.locator(tid('schedule-cancel')).click();
  await page.waitForSelector(tid('confirm-dialog'));
  await page.fill(tid('cancel-reason'), 'client asked');
  await expectOk(page, 'schedule-status', () => page.click(tid('confirm-ok')));
  await page.waitForSelector(`${tid('schedule-row')}[data-interaction-id="${id}"][data-state="cancelled"]`);
});

test('at tablet width the navigation is a select and tables scroll', async () => {
  const { context, page } = await person(browser, { contextOptions: { viewport: { width: 768, height: 1024 } } });
  try {
    await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
    await page.waitForSelector(`${tid('users-table')} ${tid('user-row')}`);
    assert.equal(await page.isVisible(tid('nav')), false, 'the side navigation folds away');
    assert.ok(await page.isVisible(tid('nav-select')), 'a select takes its place');
    await page.selectOption(tid('nav-select'), 'storage');
    await page.waitForSelector(`${tid('storage')}[data-loaded="true"]`);
    await shot(page, 'tablet-storage');
    await page.selectOption(tid('nav-select'), 'users');
    await page.waitForSelector(`${tid('users')} ${tid('user-row')}`);
    await shot(page, 'tablet-users');
    const layout = await page.evaluate(() => {
      const wrap = document.querySelector('[data-testid="users-table"]').parentElement;
      return {
        pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        overflowX: getComputedStyle(wrap).overflowX,
        wrapWidth: wrap.clientWidth,
      };
    });
    assert.ok(layout.pageOverflow <= 0, `the page itself does not scroll sideways (${layout.pageOverflow}px)`);
    assert.equal(layout.overflowX, 'auto');
    assert.ok(layout.wrapWidth <= 768);
    // A row's buttons are reachable (scrolled into view inside the table).
    const row = page.locator(sel('user-row', { login: AGENT.login }));
    await page.fill(tid('user-search'), AGENT.login);
    await row.waitFor();
    await row.locator(tid('user-edit')).click();
    await page.waitForSelector(tid('user-form'));
    assert.equal(await page.inputValue(tid('user-name')), AGENT.name);
    await page.click(tid('user-form-cancel'));
    await page.waitForSelector(tid('user-form'), { state: 'detached' });
  } finally {
    await context.close();
  }
});

test('an expired session goes back to the sign-in; sign out too', async () => {
  const page = admin.page;
  await open(page, 'users', 'users');
  // Tokens the server no longer accepts: the refresh fails and the panel says so.
  await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('va.staff.session'));
    s.access_token = 'expired.token.x';
    s.refresh_token = 'revoked-refresh-token';
    sessionStorage.setItem('va.staff.session', JSON.stringify(s));
  });
  await page.click(tid('nav-branding'));
  await page.waitForSelector(sel('login-error', { reason: 'expired' }));
  await page.waitForSelector(tid('login-username'));

  await signIn(page, ADMIN_LOGIN, ADMIN_PASSWORD);
  await page.waitForSelector(tid('logout'));
  await page.click(tid('logout'));
  await page.waitForSelector(tid('login-username'));
  assert.equal(await page.evaluate(() => sessionStorage.getItem('va.staff.session')), null);
});
