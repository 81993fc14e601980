// A loopback stand-in for the GitHub REST API's commit status endpoint, as octokit sees it when
// GITHUB_API_URL points here.
import { createServer } from 'node:http'

/** options.failWith: an HTTP status to answer every request with (e.g. 403, 500). */
export async function startFakeGitHub(options = {}) {
  /** @type {Array<{ method: string, path: string, authorization: string | undefined, body: any }>} */
  const requests = []
  const server = createServer(async (req, res) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const text = Buffer.concat(chunks).toString('utf8')
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body: text ? JSON.parse(text) : undefined
    })
    res.setHeader('content-type', 'application/json')
    if (options.failWith) {
      res.writeHead(options.failWith).end(
        JSON.stringify({
          message: options.failWith === 403 ? 'Resource not accessible by integration' : 'Server Error'
        })
      )
      return
    }
    if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/statuses\/[0-9a-f]{40}$/.test(req.url ?? '')) {
      res.writeHead(201).end(JSON.stringify({ id: requests.length, ...JSON.parse(text) }))
      return
    }
    res.writeHead(404).end(JSON.stringify({ message: 'Not Found' }))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve))
  }
}
