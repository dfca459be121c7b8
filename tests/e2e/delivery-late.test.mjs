// A provider's report that comes after the call ended: the agent sends the
// link by SMS, ends the interaction before the fake SMSC reports delivery
// (it says "delivered" only after several status polls, set up by
// tests/system/browser.rs), and the row still turns "delivered" without a
// reload, though the control channel closed with the call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, person, agentSignsIn, agentCreates, deliveryRows, sendEnabled, statusIs, tid } from './lib.mjs';

const PHONE = process.env.VC_SMS_OK_PHONE ?? '+79990000001';

test('an SMS delivered after the call ended shows as delivered without a reload', async () => {
  const browser = await launch();
  try {
    const { page } = await person(browser);
    await agentSignsIn(page, { lang: 'en' });
    await agentCreates(page, { name: 'Late report', phone: PHONE });
    await sendEnabled(page, 'sms');
    await page.click(tid('send-sms'));
    await page.waitForSelector(deliveryRows({ channel: 'sms', status: 'sent' }), { timeout: 15000 });

    await page.click(tid('end-call'));
    await statusIs(page, 'ended');
    assert.equal(await page.locator(deliveryRows({ channel: 'sms', status: 'delivered' })).count(), 0, 'not delivered yet when the call ended');
    await page.waitForSelector(deliveryRows({ channel: 'sms', status: 'delivered' }), { timeout: 45000 });
  } finally {
    await browser.close();
  }
});
