// Third-party servers for the suites that prove the action against software written by others:
// start one as a child process, wait until it answers on 127.0.0.1, and stop it afterwards.
// A server that cannot start fails the suite with its own output: it never skips silently.
import { spawn, type ChildProcess } from 'node:child_process'
import { get, type IncomingHttpHeaders } from 'node:http'
import { createServer, connect } from 'node:net'

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })
}

export interface RunningServer {
  child: ChildProcess
  /** Everything the server printed so far. */
  output(): string
  stop(): Promise<void>
}

/** Starts command and resolves once 127.0.0.1:port accepts connections; rejects with the server's output otherwise. */
export async function startServer(
  name: string,
  command: string,
  args: string[],
  port: number,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}
): Promise<RunningServer> {
  let log = ''
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()))
  let exited: string | undefined
  child.on('error', (error) => (exited = `could not be started: ${error.message}`))
  child.on('exit', (code, signal) => (exited ??= `exited (${code ?? signal})`))
  const deadline = Date.now() + (options.timeoutMs ?? 20_000)
  while (!(await portOpen(port))) {
    if (exited !== undefined || Date.now() > deadline) {
      if (exited === undefined) process.kill(-child.pid!, 'SIGKILL')
      throw new Error(`${name} ${exited ?? `did not listen on 127.0.0.1:${port} in time`}; its output:\n${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    child,
    output: () => log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const gone = new Promise((resolve) => child.once('exit', resolve))
      process.kill(-child.pid!, 'SIGTERM')
      let timer: NodeJS.Timeout | undefined
      await Promise.race([gone, new Promise((resolve) => (timer = setTimeout(resolve, 3000)))])
      clearTimeout(timer)
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL')
    }
  }
}

/** GET over a fresh connection (no keep-alive pool left open for jest to wait on). */
export function httpGet(
  url: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { headers, agent: false }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    }).on('error', reject)
  })
}
