// Preloaded with --import into a test's child process: resolves the names in TEST_HOSTS
// ("name=127.0.0.1,other=127.0.0.1") without any DNS query, like an /etc/hosts entry, so tests
// can use a host name that is not loopback by name while all traffic stays on 127.0.0.1.
import dns from 'node:dns'

const hosts = new Map(
  (process.env.TEST_HOSTS ?? '')
    .split(',')
    .filter(Boolean)
    .map((entry) => entry.split('='))
)
const original = dns.lookup

dns.lookup = function lookup(hostname, options, callback) {
  const address = hosts.get(hostname)
  if (address === undefined) return original.call(this, hostname, options, callback)
  const cb = typeof options === 'function' ? options : callback
  const all = typeof options === 'object' && options?.all
  process.nextTick(() => (all ? cb(null, [{ address, family: 4 }]) : cb(null, address, 4)))
}
