// Branding: an admin changes the company name, the colours and uploads a
// logo over the REST API; the client page opened after that shows them
// (the name, the accent colour as computed style, the logo loaded), and a
// second change shows on the next load, without restarting anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, launch, person, agentStartsCall, adminToken, changeSettings, getSettings, rest, tid, writePng } from './lib.mjs';

/** What the client page shows of the branding. */
async function shown(page) {
  await page.waitForSelector(tid('company-name'));
  return page.evaluate(() => {
    const name = document.querySelector('[data-testid="company-name"]');
    const join = document.querySelector('[data-testid="join"]');
    const logo = document.querySelector('[data-testid="company-logo"]');
    return {
      name: name?.textContent ?? null,
      nameColor: name ? getComputedStyle(name).color : null,
      joinBackground: join ? getComputedStyle(join).backgroundColor : null,
      pageBackground: getComputedStyle(document.body).backgroundColor,
      accentVar: getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
      logo: logo ? { alt: logo.getAttribute('alt'), src: logo.getAttribute('src') } : null,
    };
  });
}

test('branding set by an admin shows on the next client page load', async () => {
  const admin = await adminToken();
  const dir = await mkdtemp(join(tmpdir(), 'va-brand-'));
  const png = join(dir, 'logo.png');
  await writePng(png, 160, 48);
  const upload = await fetch(`${BASE}/api/settings/branding/logo`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'image/png' },
    body: await readFile(png),
  });
  const uploaded = await upload.json();
  assert.ok(upload.status === 200 || upload.status === 201, `logo upload: ${upload.status} ${JSON.stringify(uploaded)}`);
  assert.ok(uploaded.logo_file_id, JSON.stringify(uploaded));
  await changeSettings(admin, 'branding', { company_name: 'Acme Insurance', accent_color: '#b91c1c', background_color: '#fef3c7' });

  const browser = await launch();
  try {
    const agent = await person(browser);
    const client = await person(browser);
    const url = await agentStartsCall(agent.page);
    await client.page.goto(`${url}?lang=en`);
    const first = await shown(client.page);
    assert.equal(first.name, 'Acme Insurance');
    assert.equal(first.accentVar, '#b91c1c');
    assert.equal(first.nameColor, 'rgb(185, 28, 28)', 'the company name in the accent colour');
    assert.equal(first.joinBackground, 'rgb(185, 28, 28)', 'the join button in the accent colour');
    assert.equal(first.pageBackground, 'rgb(254, 243, 199)', 'the page background');
    assert.equal(first.logo?.alt, 'Acme Insurance', 'the logo is named for the company');
    assert.ok(first.logo?.src?.includes(uploaded.logo_file_id), `the uploaded logo: ${JSON.stringify(first.logo)}`);
    await client.page.waitForFunction(
      (sel) => {
        const img = document.querySelector(sel);
        return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0;
      },
      tid('company-logo'),
      { timeout: 15000 },
    );
    const natural = await client.page.$eval(tid('company-logo'), (img) => [img.naturalWidth, img.naturalHeight]);
    assert.ok(natural[0] > 0 && natural[1] > 0, `the logo loads: ${natural}`);
    assert.ok((await client.page.title()).startsWith('Acme Insurance'), 'the tab title names the company');

    // A second change shows on the next load of the same link.
    await changeSettings(admin, 'branding', { company_name: 'Acme Second', accent_color: '#047857', logo_file_id: null });
    await client.page.reload();
    const second = await shown(client.page);
    assert.equal(second.name, 'Acme Second');
    assert.equal(second.nameColor, 'rgb(4, 120, 87)');
    assert.equal(second.logo, null, 'the logo was removed');

    // An invalid colour never reaches the page (the server refuses it).
    const bad = await rest('PUT', '/api/settings/branding', admin, {
      ...(await getSettings(admin, 'branding')),
      accent_color: 'red; background: url(x)',
    });
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
  } finally {
    await browser.close();
  }
});
