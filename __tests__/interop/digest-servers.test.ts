// HTTP Digest against servers written by others: Apache httpd's mod_auth_digest (MD5, qop=auth,
// a nonce lifetime short enough to go stale during a wait), lighttpd's mod_auth (SHA-256), and the
// npm http-auth digest server (which refuses a reused nc). Each serves a run document at the API
// path from a throwaway configuration in a temp dir. Without apache2 or lighttpd their suites say
// so and skip, unless REQUIRE_TEST_SERVERS=1 (as .ci/run sets it).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runWithoutLeaksOrCrash, DIGEST_INPUTS, errorAnnotation } from '../support/action.js'
import { DEMO, runDocument } from '../support/fake-atlas.mjs'
import { freePort, httpGet, startServer, type RunningServer } from '../support/processes.js'
import { describeWithServer } from '../support/test-servers.js'

const REALM = 'MMS Public API'
const RUN_PATH = ['api', 'atlas', 'v2', 'groups', DEMO.groupId, 'pipelines', DEMO.pipelineName, 'runs', DEMO.runId]
const WRONG = { publicKey: DEMO.publicKey, privateKey: 'not-the-private-key-42' }
const md5 = (s: string) => createHash('md5').update(s).digest('hex')

/** A document root holding the run at its API path, readable by the servers' unprivileged users. */
function documentRoot(dir: string, state = 'DONE'): string {
  const root = join(dir, 'htdocs')
  mkdirSync(join(root, ...RUN_PATH.slice(0, -1)), { recursive: true })
  writeRun(root, state)
  return root
}

function writeRun(root: string, state: string): void {
  writeFileSync(join(root, ...RUN_PATH), JSON.stringify(runDocument({ state })))
}

function throwawayDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  chmodSync(dir, 0o755)
  return dir
}

describeWithServer('/usr/sbin/apache2', 'apache2')('Apache httpd, mod_auth_digest (MD5, qop=auth)', () => {
  let apache: RunningServer
  let dir: string
  let root: string
  let baseUrl: string
  beforeAll(async () => {
    dir = throwawayDir('apache-')
    root = documentRoot(dir)
    const port = await freePort()
    baseUrl = `http://127.0.0.1:${port}`
    writeFileSync(
      join(dir, 'htdigest'),
      `${DEMO.publicKey}:${REALM}:${md5(`${DEMO.publicKey}:${REALM}:${DEMO.privateKey}`)}\n`
    )
    const modules = ['mpm_event', 'authn_core', 'authn_file', 'authz_core', 'authz_user', 'auth_digest']
    writeFileSync(
      join(dir, 'httpd.conf'),
      [
        `ServerRoot "${dir}"`,
        `Listen 127.0.0.1:${port}`,
        'ServerName 127.0.0.1',
        `PidFile "${dir}/httpd.pid"`,
        `ErrorLog "${dir}/error.log"`,
        ...modules.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`),
        'User www-data',
        'Group www-data',
        `DocumentRoot "${root}"`,
        `LogFormat "%r %>s" brief`,
        `CustomLog "${dir}/access.log" brief`,
        '<Location "/">',
        '  AuthType Digest',
        `  AuthName "${REALM}"`,
        '  AuthDigestProvider file',
        `  AuthUserFile "${dir}/htdigest"`,
        // Short, so that a nonce goes stale in the middle of a wait.
        '  AuthDigestNonceLifetime 2',
        '  Require valid-user',
        '  ForceType application/json',
        '</Location>'
      ].join('\n')
    )
    apache = await startServer(
      'Apache httpd (apt-get install apache2)',
      '/usr/sbin/apache2',
      ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'],
      port
    )
  })
  afterAll(async () => {
    await apache?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const accessLog = () =>
    readFileSync(join(dir, 'access.log'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')

  it('passes with the right key: a challenge, then one signed request', async () => {
    const before = accessLog().length
    const result = await runWithoutLeaksOrCrash(baseUrl, DIGEST_INPUTS)
    expect(result.code).toBe(0)
    expect(result.outputs['state']).toBe('DONE')
    expect(
      accessLog()
        .slice(before)
        .map((l) => l.split(' ').pop())
    ).toEqual(['401', '200'])
  })

  it('fails clearly with the wrong key, without looping', async () => {
    const before = accessLog().length
    const result = await runWithoutLeaksOrCrash(baseUrl, WRONG, {}, [WRONG.privateKey])
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('Atlas API 401')
    expect(errorAnnotation(result)).toContain('Check publicKey and privateKey')
    expect(accessLog().slice(before)).toHaveLength(2)
  })

  it('renews a stale nonce in the middle of a wait, at one extra round trip each time', async () => {
    writeRun(root, 'IN_PROGRESS')
    const before = accessLog().length
    const done = setTimeout(() => writeRun(root, 'DONE'), 4500)
    try {
      const result = await runWithoutLeaksOrCrash(baseUrl, {
        ...DIGEST_INPUTS,
        wait: 'true',
        pollInterval: '1s',
        timeout: '30s'
      })
      expect(result.code).toBe(0)
      const statuses = accessLog()
        .slice(before)
        .map((l) => l.split(' ').pop())
      const polls = Number(result.outputs['polls'])
      expect(statuses.filter((s) => s === '200')).toHaveLength(polls)
      // The first challenge, then at least one stale nonce renewed along the way; never two 401s in a row.
      expect(statuses.filter((s) => s === '401').length).toBeGreaterThanOrEqual(2)
      expect(statuses.join(',')).not.toContain('401,401')
    } finally {
      clearTimeout(done)
      writeRun(root, 'DONE')
    }
  })
})

describeWithServer('/usr/sbin/lighttpd', 'lighttpd')('lighttpd, mod_auth (SHA-256)', () => {
  let lighttpd: RunningServer
  let dir: string
  let baseUrl: string
  beforeAll(async () => {
    dir = throwawayDir('lighttpd-')
    const root = documentRoot(dir)
    const port = await freePort()
    baseUrl = `http://127.0.0.1:${port}`
    writeFileSync(join(dir, 'users'), `${DEMO.publicKey}:${DEMO.privateKey}\n`)
    writeFileSync(
      join(dir, 'lighttpd.conf'),
      [
        `server.document-root = "${root}"`,
        `server.bind = "127.0.0.1"`,
        `server.port = ${port}`,
        `server.errorlog = "${dir}/error.log"`,
        'server.modules = ("mod_auth", "mod_authn_file")',
        'mimetype.assign = ("" => "application/json")',
        'auth.backend = "plain"',
        `auth.backend.plain.userfile = "${dir}/users"`,
        `auth.require = ("/" => ("method" => "digest", "algorithm" => "SHA-256", "realm" => "${REALM}", "require" => "valid-user"))`
      ].join('\n')
    )
    lighttpd = await startServer(
      'lighttpd (apt-get install lighttpd)',
      '/usr/sbin/lighttpd',
      ['-D', '-f', join(dir, 'lighttpd.conf')],
      port
    )
  })
  afterAll(async () => {
    await lighttpd?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('passes with the right key, answering its SHA-256 challenge', async () => {
    const challenge = String((await httpGet(`${baseUrl}/${RUN_PATH.join('/')}`)).headers['www-authenticate'])
    expect(challenge).toMatch(/^Digest .*algorithm=SHA-256/)
    expect(challenge).not.toMatch(/MD5/)
    const result = await runWithoutLeaksOrCrash(baseUrl, DIGEST_INPUTS)
    expect(result.code).toBe(0)
    expect(result.outputs['state']).toBe('DONE')
  })

  it('fails clearly with the wrong key', async () => {
    const result = await runWithoutLeaksOrCrash(baseUrl, WRONG, {}, [WRONG.privateKey])
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toContain('Atlas API 401')
    expect(errorAnnotation(result)).toContain('Check publicKey and privateKey')
  })
})

describe('npm http-auth digest server (refuses a reused nc)', () => {
  let server: Server
  let dir: string
  let baseUrl: string
  const seen: { nc?: string; status: number; authorization?: string }[] = []
  beforeAll(async () => {
    dir = throwawayDir('http-auth-')
    writeFileSync(
      join(dir, 'htdigest'),
      `${DEMO.publicKey}:${REALM}:${md5(`${DEMO.publicKey}:${REALM}:${DEMO.privateKey}`)}\n`
    )
    const { default: auth } = await import('http-auth')
    const digest = auth.digest({ realm: REALM, file: join(dir, 'htdigest'), qop: 'auth' })
    const document = JSON.stringify(runDocument({ state: 'IN_PROGRESS' }))
    let polls = 0
    server = createServer((req, res) => {
      const nc = /nc=([0-9a-f]+)/.exec(req.headers.authorization ?? '')?.[1]
      res.on('finish', () => seen.push({ nc, status: res.statusCode, authorization: req.headers.authorization }))
      digest.check((_req: unknown, res2: typeof res) => {
        polls += 1
        res2
          .writeHead(200, { 'content-type': 'application/json' })
          .end(polls >= 3 ? JSON.stringify(runDocument()) : document)
      })(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  it('accepts a wait where every poll counts nc up on one nonce', async () => {
    const result = await runWithoutLeaksOrCrash(baseUrl, { ...DIGEST_INPUTS, wait: 'true', pollInterval: '1s' })
    expect(result.code).toBe(0)
    expect(seen.map((s) => `${s.nc ?? '-'} ${s.status}`)).toEqual([
      '- 401',
      '00000001 200',
      '00000002 200',
      '00000003 200'
    ])
    // The server does refuse a replayed nc, so the counting above is what it checked.
    const { status: replayed } = await httpGet(`${baseUrl}/${RUN_PATH.join('/')}`, {
      authorization: seen.at(-1)!.authorization!
    })
    expect(replayed).toBe(401)
  })
})
