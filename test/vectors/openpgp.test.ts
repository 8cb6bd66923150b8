/**
 * The OpenPGP vectors (test/fixtures/vectors-gpg): the reference's verdict and stage for each,
 * with the owner keys read from the vector's exported `.asc` files the way in-toto-verify's
 * `--gpg KEYID --gpg-home DIR` reads them from the GnuPG home (ownerKeysFor over the keys the
 * home holds), and again with every owner key given as its `.asc` file (as a person drops it in
 * the page). Each runs in a fresh copy of its work/ directory (inspections write there).
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CoreError } from '../../src/core/errors.ts'
import { importVerifyKeyFile } from '../../src/core/keys/import.ts'
import type { VerificationKey } from '../../src/core/keys/types.ts'
import { importOpenPgpKeys } from '../../src/core/openpgp/import.ts'
import { ownerKeysFor } from '../../src/core/keys/openpgp-keys.ts'
import { verifyLayoutFile } from '../../src/core/verify/verify.ts'
import { SubprocessInspectionRunner } from '../../src/cli/inspection-runner.ts'
import { DirectoryLinks } from '../../src/cli/links/index.ts'
import { freshCopy } from '../support/vectors.ts'
import { loadGpgVectors, type GpgVector } from '../support/vectors-gpg.ts'

const vectors = loadGpgVectors()

async function ownerKeys(vector: GpgVector, work: string): Promise<VerificationKey[]> {
  const keys: VerificationKey[] = vector.layoutKeys.map((path, index) => {
    const file = resolve(work, path)
    return importVerifyKeyFile(readFileSync(file, 'utf8'), vector.keyTypes[index] ?? 'rsa', file)
  })
  if (vector.gpgKeyids.length > 0) {
    const home = (await Promise.all(vector.homeKeyFiles.map((file) => importOpenPgpKeys(readFileSync(file), file)))).flat()
    keys.push(...ownerKeysFor(home, vector.gpgKeyids, 'gpg/'))
  }
  return keys
}

async function verify(vector: GpgVector, keys: () => Promise<VerificationKey[]>) {
  const copy = freshCopy(vector)
  try {
    let layoutKeys: VerificationKey[]
    try {
      layoutKeys = await keys()
    } catch (error) {
      // The reference fails before verifying anything (KeyNotFoundError while exporting): stage format.
      if (!(error instanceof CoreError)) throw error
      return { verdict: 'fail', stage: 'format', errorType: error.exception, message: error.message }
    }
    const report = await verifyLayoutFile(readFileSync(join(copy.root, 'layout', 'root.layout')), 'root.layout', {
      layoutKeys,
      links: new DirectoryLinks(join(copy.root, 'links')),
      inspections: new SubprocessInspectionRunner({ cwd: copy.work }),
    })
    return { verdict: report.verdict, stage: report.failure?.stage ?? 'none', errorType: report.failure?.errorType ?? null, message: report.failure?.message }
  } finally {
    copy.dispose()
  }
}

describe('OpenPGP reference vectors', () => {
  it('are all present (20 in the public set)', () => {
    expect(vectors.length).toBe(20)
  })

  for (const vector of vectors) {
    const { verdict, stage, error_type } = vector.expected
    it(`${vector.name}: ${verdict}${stage !== 'none' ? ` at ${stage} (${error_type})` : ''}`, async () => {
      const result = await verify(vector, () => ownerKeys(vector, join(vector.dir, 'work')))
      expect(result, result.message).toMatchObject({ verdict, stage, errorType: error_type })
    })
  }

  for (const vector of vectors.filter((v) => v.gpgKeyids.length > 0)) {
    it(`${vector.name}, owner keys dropped as .asc files: ${vector.expected.verdict}`, async () => {
      const result = await verify(vector, async () =>
        (await Promise.all(vector.homeKeyFiles.map((file) => importOpenPgpKeys(readFileSync(file), file))))
          .flat()
          .map((cert) => ownerKeysFor([cert], [cert.primary.fingerprint])[0]!),
      )
      expect(result.verdict, result.message).toBe(vector.expected.verdict)
    })
  }
})
