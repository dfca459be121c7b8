// Sending the client link by SMS from the agent console, against the real
// platform whose only channel is SMS through a fake SMSC (set up by
// tests/system/browser.rs): one number the provider delivers, one for which
// it answers "no money" (error 3). Status changes must show without a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, agentSignsIn, agentCreates, deliveryRows, sendEnabled, tid } from './lib.mjs';

const OK_PHONE = process.env.VC_SMS_OK_PHONE ?? '+79990000001';
const NO_MONEY_PHONE = process.env.VC_SMS_NO_MONEY_PHONE ?? '+79990000003';
const FINAL_MS = 30000;

test('an SMS with the link is delivered, seen live; other channels explain why they are off', async () => {
  const browser = await launch();
  try {
    const { page } = await person(browser);
    await agentSignsIn(page, { lang: 'en' });
    await agentCreates(page, { name: 'Delivered', phone: OK_PHONE });
    await sendEnabled(page, 'sms');

    // Only SMS is configured here, and the client has only a phone.
    for (const channel of ['email', 'telegram']) {
      const button = page.locator(tid(`send-${channel}`));
      assert.ok(await button.isDisabled(), `send-${channel} is disabled`);
      const why = await button.getAttribute('data-why');
      assert.ok(['not_configured', 'no_email', 'no_telegram'].includes(why), `send-${channel}: ${why}`);
      assert.ok((await button.getAttribute('title'))?.trim(), `send-${channel} says why`);
    }
    assert.equal(await page.inputValue(tid('delivery-language')), 'ru', 'messages go in Russian by default');
    await page.selectOption(tid('delivery-language'), 'en');

    // A double click sends one SMS.
    await page.dblclick(tid('send-sms'));
    await page.waitForSelector(deliveryRows({ channel: 'sms' }));
    await page.waitForSelector(deliveryRows({ channel: 'sms', status: 'delivered' }), { timeout: FINAL_MS });
    assert.equal(await page.locator(deliveryRows()).count(), 1, 'a double click sent once');
    const row = page.locator(deliveryRows({ channel: 'sms' })).first();
    const firstId = await row.getAttribute('data-delivery-id');
    assert.ok(firstId);
    assert.equal(await row.getAttribute('data-reason'), null);
    assert.match(await row.locator(tid('delivery-state')).textContent(), /^Delivered$/);
    assert.match(await row.textContent(), /SMS/);

    // A resend is allowed once the first request is done; it is listed first.
    await sendEnabled(page, 'sms');
    await page.click(tid('send-sms'));
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, deliveryRows());
    const newest = await page.locator(deliveryRows()).first().getAttribute('data-delivery-id');
    assert.notEqual(newest, firstId, 'the newest delivery is on top');
  } finally {
    await browser.close();
  }
});

test('an SMS the provider refuses for lack of money says so, in Russian', async () => {
  const browser = await launch();
  try {
    const { page } = await person(browser, { locale: 'ru-RU' });
    await agentSignsIn(page, { lang: 'ru' });
    await agentCreates(page, { name: 'No money', phone: NO_MONEY_PHONE });
    await sendEnabled(page, 'sms');
    await page.click(tid('send-sms'));
    await page.waitForSelector(deliveryRows({ channel: 'sms', status: 'failed', reason: 'no_money' }), { timeout: FINAL_MS });
    const row = page.locator(deliveryRows({ channel: 'sms' })).first();
    const reason = row.locator(tid('delivery-reason'));
    assert.ok(await reason.isVisible(), 'the reason is on screen');
    assert.equal((await reason.textContent()).trim(), 'На счёте SMS-провайдера закончились деньги');
    assert.equal((await row.locator(tid('delivery-state')).textContent()).trim(), 'Не доставлено');
  } finally {
    await browser.close();
  }
});
