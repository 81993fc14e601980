// The undici transport in-process, against small servers on 127.0.0.1 (a request is the point
// here): timeouts, bounded bodies, refused redirects, headers that cannot be sent, proxies and the
// abort reasons that say which bound was hit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { abortAfter } from '../../../src/atlas/abort.js'
import { AtlasError } from '../../../src/atlas/errors.js'
import { headerValue, headerValues, type Transport } from '../../../src/atlas/http.js'
import { createTransport, DEFAULT_MAX_BODY_BYTES } from '../../../src/atlas/transport.js'
import { freePort } from '../../support/processes.js'
import { atlasFailure } from '../../support/atlas-failure.js'

let server: Server
let origin: string
let handler: (req: IncomingMessage, res: ServerResponse) => void
const seen: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    handler(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

async function withTransport<T>(
  options: Partial<Parameters<typeof createTransport>[0]>,
  use: (t: Transport) => Promise<T>
): Promise<T> {
  const transport = createTransport({ requestTimeoutMs: 2000, maxBodyBytes: 1024, env: {}, ...options })
  try {
    return await use(transport)
  } finally {
    await transport.close()
  }
}

const get = (t: Transport, extra: Partial<Parameters<Transport['send']>[0]> = {}) =>
  t.send({ method: 'GET', origin, path: '/x', headers: { accept: 'application/json' }, ...extra })

describe('the transport', () => {
  it('reads status, headers and body', async () => {
    handler = (_req, res) => res.writeHead(200, { 'x-one': 'a', 'set-cookie': ['b', 'c'] }).end('{"ok":true}')
    const response = await withTransport({}, (t) => get(t))
    expect(response.status).toBe(200)
    expect(response.text).toBe('{"ok":true}')
    expect(headerValue(response.headers, 'X-One')).toBe('a')
    expect(headerValues(response.headers, 'set-cookie')).toEqual(['b', 'c'])
    expect(headerValues(response.headers, 'absent')).toEqual([])
  })

  it('stops reading a body past the limit and says it is not Atlas', async () => {
    handler = (_req, res) => res.writeHead(200).end('x'.repeat(5000))
    const error = await atlasFailure(withTransport({ maxBodyBytes: 1024 }, (t) => get(t)))
    expect(error.kind).toBe('protocol')
    expect(error.message).toMatch(/^The response from http:\/\/127\.0\.0\.1:\d+ is larger than 0 MiB/)
  })

  it.each([
    ['/elsewhere', /redirect to 127\.0\.0\.1:\d+/],
    ['https://attacker.example/x', /redirect to attacker\.example/],
    [undefined, /redirect to an unknown place/]
  ])('refuses a redirect to %s and names where it pointed', async (location, message) => {
    handler = (_req, res) => res.writeHead(302, location ? { location } : {}).end()
    const error = await atlasFailure(withTransport({}, (t) => get(t)))
    expect([error.kind, error.status]).toEqual(['protocol', 302])
    expect(error.message).toMatch(message)
  })

  it('turns a silent server into a retryable timeout', async () => {
    handler = () => undefined // never answers
    const error = await atlasFailure(withTransport({ requestTimeoutMs: 300 }, (t) => get(t)))
    expect([error.kind, error.retryable]).toEqual(['timeout', true])
    expect(error.message).toMatch(/did not answer within the request timeout/)
  })

  it('fails with the abort reason when a bound of the caller cuts the request', async () => {
    handler = () => undefined
    const bound = new AtlasError('the revoke endpoint did not answer within 1s', { kind: 'timeout' })
    const error = await atlasFailure(withTransport({}, (t) => get(t, { signal: abortAfter(100, bound) })))
    expect(error).toBe(bound)
    const cancelled = new AbortController()
    setTimeout(() => cancelled.abort(), 100)
    expect((await atlasFailure(withTransport({}, (t) => get(t, { signal: cancelled.signal })))).kind).toBe('cancelled')
  })

  it('refuses a header value that cannot be sent, naming the header and never sending', async () => {
    const before = seen.length
    const error = await atlasFailure(withTransport({}, (t) => get(t, { headers: { authorization: 'Bearer a\r\nb' } })))
    expect(error.kind).toBe('protocol')
    expect(error.retryable).toBe(false)
    expect(error.message).toMatch(
      /^The authorization header for http:\/\/127\.0\.0\.1:\d+ would contain a line break at character 9/
    )
    expect(seen.length).toBe(before)
  })

  it('says a refused connection is a retryable network error, naming the code', async () => {
    const port = await freePort()
    const refused = await atlasFailure(withTransport({}, (t) => get(t, { origin: `http://127.0.0.1:${port}` })))
    expect([refused.kind, refused.errorCode, refused.retryable]).toEqual(['network', 'ECONNREFUSED', true])
    expect(refused.message).toBe(`Could not reach Atlas at http://127.0.0.1:${port} (ECONNREFUSED)`)
  })

  it('sends loopback direct even with a proxy set, and names a dead proxy as the proxy', async () => {
    handler = (_req, res) => res.writeHead(200).end('{}')
    const dead = await freePort()
    const env = { HTTPS_PROXY: `http://user:secret@127.0.0.1:${dead}`, http_proxy: `http://127.0.0.1:${dead}` }
    const direct = await withTransport({ env }, (t) => get(t))
    expect(direct.status).toBe(200)
    const error = await atlasFailure(withTransport({ env }, (t) => get(t, { origin: 'https://atlas.example.test' })))
    expect(error.message).toBe(
      `Could not reach the proxy http://127.0.0.1:${dead} on the way to https://atlas.example.test (ECONNREFUSED)`
    )
    expect(error.proxy).toBe(`http://127.0.0.1:${dead}`)
    expect(error.message).not.toContain('secret')
  })

  it.each([
    ['407 Proxy Authentication Required', false],
    ['502 Bad Gateway', true]
  ])('reports a proxy that refuses the tunnel (%s) by its status, retrying only a 5xx', async (line, retryable) => {
    const status = line.slice(0, 3)
    const proxy = createServer()
    proxy.on('connect', (_req, socket) => socket.end(`HTTP/1.1 ${line}\r\n\r\n`))
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    try {
      const env = { https_proxy: `http://127.0.0.1:${(proxy.address() as { port: number }).port}` }
      const error = await atlasFailure(withTransport({ env }, (t) => get(t, { origin: 'https://atlas.example.test' })))
      expect([error.kind, error.errorCode, error.retryable]).toEqual(['network', `PROXY_${status}`, retryable])
      expect(error.message).toBe(`The proxy refused to connect to https://atlas.example.test (HTTP ${status})`)
    } finally {
      proxy.closeAllConnections()
      await new Promise((resolve) => proxy.close(resolve))
    }
  })
})

describe('the transport at its edges', () => {
  it('reads a body of exactly the limit, and names the default limit in MiB', async () => {
    handler = (_req, res) => res.writeHead(200).end('y'.repeat(1024))
    expect((await withTransport({ maxBodyBytes: 1024 }, (t) => get(t))).text).toHaveLength(1024)
    handler = (_req, res) => res.writeHead(200).end('y'.repeat(DEFAULT_MAX_BODY_BYTES + 1))
    const error = await atlasFailure(withTransport({ maxBodyBytes: DEFAULT_MAX_BODY_BYTES }, (t) => get(t)))
    expect(error.message).toBe(
      `The response from ${origin} is larger than 4 MiB, more than any Atlas answer this action reads, so this is not an Atlas answer`
    )
  })

  it.each([300, 399])('takes %i for a redirect, with the host it names', async (status) => {
    handler = (_req, res) => res.writeHead(status, { location: 'https://elsewhere.example/a' }).end()
    const error = await atlasFailure(withTransport({}, (t) => get(t)))
    expect(error.message).toBe(
      `Atlas answered ${status} with a redirect to elsewhere.example; redirects are not followed so that credentials stay with ${origin.replace('http://', '')}`
    )
    expect(error.redirectHost).toBe('elsewhere.example')
  })

  it('passes a 400 or a 299 on as an answer, and names an unreadable redirect', async () => {
    for (const status of [299, 400]) {
      handler = (_req, res) => res.writeHead(status, { location: 'https://elsewhere.example/' }).end('{}')
      expect((await withTransport({}, (t) => get(t))).status).toBe(status)
    }
    handler = (_req, res) => res.writeHead(307, { location: 'http://[' }).end()
    expect((await atlasFailure(withTransport({}, (t) => get(t)))).redirectHost).toBe('an unreadable location')
  })

  it('says a request was cancelled when the caller aborts without a reason of ours', async () => {
    handler = () => undefined
    const error = await atlasFailure(withTransport({}, (t) => get(t, { signal: AbortSignal.abort() })))
    expect([error.kind, error.message]).toEqual(['cancelled', `The request to ${origin} was cancelled`])
  })

  it('sends method, path, headers and body as given', async () => {
    let received = ''
    handler = (req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received = `${req.method} ${req.url} ${req.headers['content-type']} ${Buffer.concat(chunks).toString()}`
        res.writeHead(201).end('{}')
      })
    }
    const response = await withTransport({}, (t) =>
      t.send({ method: 'POST', origin, path: '/a%2E%2E/b?x=1', headers: { 'content-type': 'text/plain' }, body: 'hi' })
    )
    expect(response.status).toBe(201)
    expect(received).toBe('POST /a%2E%2E/b?x=1 text/plain hi')
  })

  it.each([
    [{ https_proxy: 'http://127.0.0.1:PORT', HTTPS_PROXY: 'http://127.0.0.1:1' }, 'http://127.0.0.1:PORT'],
    [{ HTTPS_PROXY: '  ', HTTP_PROXY: '127.0.0.1:PORT' }, 'http://127.0.0.1:PORT']
  ])('takes the proxy from %j, lowercase first, blank as unset, a bare host:port as http', async (env, named) => {
    const dead = await freePort()
    const filled = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace('PORT', String(dead))]))
    const error = await atlasFailure(
      withTransport({ env: filled }, (t) => get(t, { origin: 'https://atlas.example.test' }))
    )
    expect(error.proxy).toBe(named.replace('PORT', String(dead)))
  })
})

describe('the transport over time', () => {
  const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length

  it('bounds the whole request, a body that keeps trickling included', async () => {
    handler = (_req, res) => {
      res.writeHead(200)
      const drip = setInterval(() => res.write('x'), 50)
      res.on('close', () => clearInterval(drip))
    }
    const started = Date.now()
    const error = await atlasFailure(withTransport({ requestTimeoutMs: 400 }, (t) => get(t)))
    expect(error.kind).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('leaves no timer behind once an answer is read', async () => {
    handler = (_req, res) => res.writeHead(200).end('{}')
    await withTransport({ requestTimeoutMs: 60_000 }, async (t) => {
      await get(t) // the first request opens the connection pool
      const before = timeouts()
      await get(t)
      expect(timeouts()).toBe(before)
    })
  })

  it('sends nothing once closed', async () => {
    handler = (_req, res) => res.writeHead(200).end('{}')
    for (const env of [{}, { HTTPS_PROXY: 'http://127.0.0.1:9' }]) {
      const transport = createTransport({ requestTimeoutMs: 2000, maxBodyBytes: 1024, env })
      await transport.close()
      const before = seen.length
      const error = await atlasFailure(get(transport))
      expect(error.kind).toBe('network')
      expect(seen.length).toBe(before)
    }
  })

  it('names the http proxy for a plain http origin, the https one otherwise', async () => {
    const [httpPort, httpsPort] = [await freePort(), await freePort()]
    const env = { HTTP_PROXY: `http://127.0.0.1:${httpPort}`, HTTPS_PROXY: `http://127.0.0.1:${httpsPort}` }
    const plain = await atlasFailure(withTransport({ env }, (t) => get(t, { origin: 'http://atlas.example.test' })))
    expect(plain.proxy).toBe(`http://127.0.0.1:${httpPort}`)
    const secure = await atlasFailure(withTransport({ env }, (t) => get(t, { origin: 'https://atlas.example.test' })))
    expect(secure.proxy).toBe(`http://127.0.0.1:${httpsPort}`)
  })
})
