// One definition of loopback, for the two places that must agree: plain http is allowed only to
// loopback (settings), and loopback never goes through a proxy (transport). If they disagreed, a
// request accepted as local could be sent in clear text to a proxy.

/** localhost, any address in 127.0.0.0/8, or [::1], as URL.hostname writes them (canonical form). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}
