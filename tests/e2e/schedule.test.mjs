// Scheduled calls in the agent console: the agent books a call for a
// client in another time zone and sees it in its list; opening it shows the
// interaction with its schedule. A call booked a few minutes ahead gets its
// link at once (the lead is longer) and then a reminder in the console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, agentSignsIn, agentToken, rest, tid, visible } from './lib.mjs';

const PHONE = process.env.VC_SMS_PHONE ?? '+79990000001';

/** `YYYY-MM-DDTHH:MM` of an instant as a clock in `timeZone` shows it. */
function wallClock(at, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** Opens the "schedule a call" form and fills in the client (`name` when given) and the time `at` in `zone`. */
async function openForm(page, { name, at, zone }) {
  await page.click(tid('schedule-call'));
  await page.waitForSelector(tid('schedule-submit'));
  if (name) await page.fill(tid('schedule-client-name'), name);
  await page.fill(tid('schedule-client-phone'), PHONE);
  await page.selectOption(tid('schedule-tz'), zone);
  await page.fill(tid('schedule-at'), wallClock(at, zone));
}

/** Books a call with its link going by SMS `lead` minutes before; the interaction's id. */
async function book(page, { name, at, zone, lead }) {
  await openForm(page, { name, at, zone });
  await page.selectOption(tid('schedule-channel'), 'sms');
  await page.fill(tid('schedule-lead'), String(lead));
  await page.click(tid('schedule-submit'));
  await visible(page, 'schedule-created', 15000);
  return page.getAttribute(tid('schedule-created'), 'data-id');
}

test('the agent books a call and sees it in the list, then is reminded of a close one', async () => {
  const browser = await launch();
  try {
    const agent = await person(browser);
    await agentSignsIn(agent.page);
    await agent.page.waitForSelector(tid('scheduled-list'), { state: 'attached' });

    // The form refuses a time that has passed in the client's zone.
    await openForm(agent.page, { at: new Date(Date.now() - 3_600_000), zone: 'Asia/Vladivostok' });
    await agent.page.click(tid('schedule-submit'));
    await visible(agent.page, 'schedule-error');
    await agent.page.click(tid('schedule-close'));

    // Two days ahead, for a client in Vladivostok.
    const later = new Date(Date.now() + 2 * 86_400_000);
    later.setUTCSeconds(0, 0);
    const id = await book(agent.page, { name: 'Booked Client', at: later, zone: 'Asia/Vladivostok', lead: 30 });
    assert.ok(id, 'the answer names the interaction');
    const item = `${tid('scheduled-list')} ${tid('scheduled-item')}[data-id="${id}"]`;
    await agent.page.waitForSelector(item, { timeout: 15000 });
    assert.match(await agent.page.textContent(item), /Booked Client/);
    assert.equal(await agent.page.getAttribute(item, 'data-state'), 'pending');

    const stored = await rest('GET', `/api/interactions/${id}`, await agentToken());
    assert.equal(stored.body.schedule?.time_zone, 'Asia/Vladivostok');
    assert.equal(Date.parse(stored.body.schedule?.at), later.getTime(), 'the time typed in the client zone is the instant booked');
    assert.equal(stored.body.schedule?.lead_minutes, 30);

    // Opening it shows the interaction with its schedule.
    await agent.page.click(item);
    await agent.page.waitForSelector(`${tid('interaction-panel')}[data-id="${id}"]`);
    await visible(agent.page, 'schedule-info');
    // (Booking the next one leaves the panel; the interaction goes on.)

    // A call three minutes ahead: the link goes at once, the reminder follows.
    const soon = new Date(Date.now() + 3 * 60_000 + 60_000);
    soon.setUTCSeconds(0, 0);
    const close = await book(agent.page, { name: 'Soon Client', at: soon, zone: 'Europe/Moscow', lead: 10 });
    const reminder = `${tid('schedule-reminder')}[data-id="${close}"]`;
    await agent.page.waitForSelector(reminder, { timeout: 75000 });
    assert.match(await agent.page.textContent(reminder), /Soon Client/);
    assert.equal(await agent.page.locator(tid('schedule-reminder')).count(), 1, 'one reminder');
    // Once per call: not again after a reload.
    await agent.page.reload();
    await agent.page.waitForSelector(tid('scheduled-list'), { state: 'attached' });
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(await agent.page.locator(reminder).count(), 0, 'the reminder does not come back');
  } finally {
    await browser.close();
  }
});
