// Suites that run a server from a Debian package: on a machine without it they say so in one line
// and skip; with REQUIRE_TEST_SERVERS=1 (as .ci/run sets it) they run anyway, so a missing server
// fails them there instead of passing unseen.
import { describe } from '@jest/globals'
import { existsSync } from 'node:fs'

/** describe, or describe.skip with one line on stderr when binary is missing and not required. */
export function describeWithServer(binary: string, debianPackage: string): typeof describe | typeof describe.skip {
  if (existsSync(binary) || process.env['REQUIRE_TEST_SERVERS'] === '1') return describe
  process.stderr.write(
    `Skipping the ${debianPackage} suite: ${binary} is missing (Debian package ${debianPackage}; \`bash .ci/install-test-servers\` installs it).\n`
  )
  return describe.skip
}
