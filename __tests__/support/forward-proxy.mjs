// A forward proxy for the proxy tests: the npm "proxy" package (HTTP and CONNECT), with optional
// Basic proxy credentials. Logs one line per proxied request, so a test can count them.
//   node --import ./hosts.mjs forward-proxy.mjs PORT [user:password]
import { createServer } from 'node:http'
import { createProxy } from 'proxy'

const [port, credentials] = process.argv.slice(2)
const server = createProxy(createServer())
if (credentials) {
  server.authenticate = (req) =>
    req.headers['proxy-authorization'] === `Basic ${Buffer.from(credentials).toString('base64')}`
}
server.on('connect', (req) => console.log(`CONNECT ${req.url}`))
server.on('request', (req) => console.log(`${req.method} ${req.url}`))
server.listen(Number(port), '127.0.0.1', () => console.log(`proxy listening on ${port}`))
