// TLS and proxies, action-level: an https Atlas-like server with a throwaway CA (made by openssl),
// and the npm "proxy" forward proxy in front of it. The host name atlas.example.test is prepared
// to 127.0.0.1 by a preload (support/hosts.mjs) in the child processes: no DNS query is made.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { runWithoutLeaksOrCrash, DIGEST_INPUTS, errorAnnotation, type FakeAtlas } from '../support/action.js'
import { runDocument, startFakeAtlas } from '../support/fake-atlas.mjs'
import { freePort, startServer, type RunningServer } from '../support/processes.js'

const HOST = 'atlas.example.test'
const HOSTS_PRELOAD = `--import=${resolve('__tests__/support/hosts.mjs')}`

let dir: string
let caFile: string
let atlas: FakeAtlas

/** A CA and a server certificate for atlas.example.test and 127.0.0.1, valid for a day. */
function makeCertificates(into: string): { key: string; cert: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: into, stdio: 'pipe' })
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=Throwaway Test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem'
  )
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${HOST}`, '-keyout', 'server.key', '-out', 'server.csr')
  writeFileSync(join(into, 'san.ext'), `subjectAltName=DNS:${HOST},IP:127.0.0.1\n`)
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    'san.ext',
    '-out',
    'server.pem'
  )
  return { key: readFileSync(join(into, 'server.key'), 'utf8'), cert: readFileSync(join(into, 'server.pem'), 'utf8') }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tls-'))
  atlas = await startFakeAtlas({ tls: makeCertificates(dir) })
  caFile = join(dir, 'ca.pem')
})
afterAll(async () => {
  await atlas?.close()
  rmSync(dir, { recursive: true, force: true })
})

const atlasPort = () => new URL(atlas.url).port

describe('TLS with a private CA', () => {
  it('refuses the certificate by default, saying what to do', async () => {
    atlas.requests.length = 0
    const result = await runWithoutLeaksOrCrash(atlas.url, DIGEST_INPUTS)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result)).toMatch(
      /The TLS certificate of https:\/\/127\.0\.0\.1:\d+ was not accepted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/
    )
    expect(errorAnnotation(result)).toContain('NODE_EXTRA_CA_CERTS')
    expect(result.outputs['polls']).toBe('1') // not retried: it will not get better
    expect(atlas.requests).toHaveLength(0)
  })

  it('succeeds with the CA given in NODE_EXTRA_CA_CERTS, as on a runner behind a corporate CA', async () => {
    const result = await runWithoutLeaksOrCrash(atlas.url, DIGEST_INPUTS, { NODE_EXTRA_CA_CERTS: caFile })
    expect(result.code).toBe(0)
    expect(result.outputs['state']).toBe('DONE')
  })
})

describe('through a forward proxy', () => {
  let proxy: RunningServer
  let proxyPort: number
  let authProxy: RunningServer
  let authProxyPort: number
  const PROXY_USER = 'corp-user'
  const PROXY_PASSWORD = 'proxy-pa55word-xyz'

  beforeAll(async () => {
    const script = resolve('__tests__/support/forward-proxy.mjs')
    const env = { ...process.env, TEST_HOSTS: `${HOST}=127.0.0.1` }
    proxyPort = await freePort()
    proxy = await startServer(
      'forward proxy (npm proxy)',
      process.execPath,
      [HOSTS_PRELOAD, script, String(proxyPort)],
      proxyPort,
      { env }
    )
    authProxyPort = await freePort()
    authProxy = await startServer(
      'forward proxy with credentials',
      process.execPath,
      [HOSTS_PRELOAD, script, String(authProxyPort), `${PROXY_USER}:${PROXY_PASSWORD}`],
      authProxyPort,
      { env }
    )
  })
  afterAll(async () => {
    await proxy?.stop()
    await authProxy?.stop()
  })

  /** The child sees atlas.example.test as 127.0.0.1 too, so going around the proxy would still work: only the proxy's log tells. */
  const via = (proxyEnv: Record<string, string>) => ({
    ...proxyEnv,
    NODE_EXTRA_CA_CERTS: caFile,
    NODE_OPTIONS: HOSTS_PRELOAD,
    TEST_HOSTS: `${HOST}=127.0.0.1`
  })
  const baseUrl = () => `https://${HOST}:${atlasPort()}`
  const connects = (server: RunningServer) =>
    server
      .output()
      .split('\n')
      .filter((l) => l.startsWith(`CONNECT ${HOST}:`)).length

  it('sends every request through HTTPS_PROXY', async () => {
    const before = connects(proxy)
    atlas.requests.length = 0
    const result = await runWithoutLeaksOrCrash(
      baseUrl(),
      DIGEST_INPUTS,
      via({ HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` })
    )
    expect(result.code).toBe(0)
    expect(connects(proxy) - before).toBeGreaterThanOrEqual(1)
    expect(atlas.requests.map((r) => r.authResult)).toEqual(['challenge', 'ok'])
  })

  it('honours the lower-case https_proxy too', async () => {
    const before = connects(proxy)
    const result = await runWithoutLeaksOrCrash(
      baseUrl(),
      DIGEST_INPUTS,
      via({ https_proxy: `http://127.0.0.1:${proxyPort}` })
    )
    expect(result.code).toBe(0)
    expect(connects(proxy) - before).toBeGreaterThanOrEqual(1)
  })

  it('goes direct for a host in NO_PROXY', async () => {
    const before = connects(proxy)
    const result = await runWithoutLeaksOrCrash(
      baseUrl(),
      DIGEST_INPUTS,
      via({ HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`, NO_PROXY: `localhost,${HOST}` })
    )
    expect(result.code).toBe(0)
    expect(connects(proxy) - before).toBe(0)
  })

  it('never sends loopback traffic to the proxy', async () => {
    const plain = await startFakeAtlas()
    try {
      const before = proxy.output().length
      const result = await runWithoutLeaksOrCrash(plain.url, DIGEST_INPUTS, {
        HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`,
        HTTP_PROXY: `http://127.0.0.1:${proxyPort}`
      })
      expect(result.code).toBe(0)
      expect(proxy.output().slice(before)).toBe('')
      expect(plain.requests).toHaveLength(2)
    } finally {
      await plain.close()
    }
  })

  it('passes credentials given in the proxy URL, and fails clearly without them', async () => {
    const withCredentials = await runWithoutLeaksOrCrash(
      baseUrl(),
      DIGEST_INPUTS,
      via({ HTTPS_PROXY: `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${authProxyPort}` }),
      [PROXY_PASSWORD]
    )
    expect(withCredentials.code).toBe(0)
    atlas.requests.length = 0
    const without = await runWithoutLeaksOrCrash(
      baseUrl(),
      DIGEST_INPUTS,
      via({ HTTPS_PROXY: `http://127.0.0.1:${authProxyPort}` })
    )
    expect(without.code).toBe(1)
    expect(errorAnnotation(without)).toContain(
      `The proxy refused to connect to https://${HOST}:${atlasPort()} (HTTP 407)`
    )
    expect(errorAnnotation(without)).toContain('put them in the proxy URL')
    expect(without.outputs).toMatchObject({ errorCode: 'PROXY_407', polls: '1' }) // not retried
    expect(atlas.requests).toHaveLength(0)
  })

  it('keeps polling through the proxy in wait mode', async () => {
    atlas.script([{ run: runDocument({ state: 'IN_PROGRESS' }) }, { run: runDocument() }])
    const result = await runWithoutLeaksOrCrash(
      baseUrl(),
      { ...DIGEST_INPUTS, wait: 'true', pollInterval: '1s' },
      via({ HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` })
    )
    expect(result.code).toBe(0)
    expect(result.outputs['polls']).toBe('2')
    atlas.script([{ run: runDocument() }])
  })
})
