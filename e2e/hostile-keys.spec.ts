/**
 * A weak functionary key in the Verify workspace: the verdict stays the reference's (here a
 * pass), and the result says loudly which key is weak and why (core keys/weakness.ts).
 */
import { generateKeyPairSync } from 'node:crypto'
import { expect, test } from '@playwright/test'
import { serializeEnvelope, signDocument } from '../src/core/envelope/sign.ts'
import { parseJson } from '../src/core/json/parse.ts'
import { exportPublicKeyPem } from '../src/core/keys/export.ts'
import { generateKeyPair } from '../src/core/keys/generate.ts'
import { computeKeyId } from '../src/core/keys/keyid.ts'
import { loadPublicKeyPem, spkiPem } from '../src/core/keys/spki.ts'
import { parseLayout } from '../src/core/model/layout.ts'

test('a functionary RSA key with e = 1: verification passes as in the reference, and the page names the weak key', async ({ page }) => {
  const owner = await generateKeyPair('ed25519')
  const strong = loadPublicKeyPem(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString())
  if (strong.type !== 'rsa') throw new Error('not an RSA key')
  const pem = spkiPem({ type: 'rsa', n: strong.n, e: 1n }, true)
  const keyid = computeKeyId('rsa', 'rsassa-pss-sha256', pem)
  const document = {
    _type: 'layout',
    expires: '2099-01-01T00:00:00Z',
    readme: '',
    keys: { [keyid]: { keyid, keytype: 'rsa', scheme: 'rsassa-pss-sha256', keyval: { public: pem }, keyid_hash_algorithms: ['sha256', 'sha512'] } },
    steps: [],
    inspect: [],
  }
  const layout = parseLayout(parseJson(JSON.stringify(document)))
  const signed = serializeEnvelope(await signDocument({ type: 'layout', layout }, [owner]))
  await page.goto('/')
  await page.getByRole('tab', { name: 'Verify' }).click()
  const panel = page.getByRole('tabpanel', { name: 'Verify' })
  await panel.getByLabel('Layout to verify').setInputFiles({ name: 'root.layout', mimeType: 'application/json', buffer: Buffer.from(signed) })
  await panel.getByLabel('Owner public keys').setInputFiles({ name: 'owner.pub', mimeType: 'application/x-pem-file', buffer: Buffer.from(exportPublicKeyPem(owner.publicKey)) })
  await panel.getByRole('button', { name: 'Verify', exact: true }).click()
  await expect(page.locator('.verify-verdict').getByRole('heading')).toHaveText('Verification passed', { timeout: 30_000 })
  const alert = page.getByRole('alert', { name: 'Weak keys' })
  await expect(alert).toContainText(`WEAK KEY: the functionary key ${keyid} is weak: the RSA public exponent is 1`)
})
