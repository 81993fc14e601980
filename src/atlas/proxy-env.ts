// The runner's proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, either case), read once for the
// transport and checked with the other settings, before anything is sent.

/** A proxy variable, lowercase first as undici reads them: its name and trimmed value, when set. */
export function proxyVariable(
  env: Record<string, string | undefined>,
  name: string
): { name: string; value: string } | undefined {
  for (const variable of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[variable]?.trim()
    if (value) return { name: variable, value }
  }
  return undefined
}

/** A proxy address as a URL: a bare host:port (as curl and @actions/http-client take it) means http://. */
function proxyUrl(value: string): string {
  return value.includes('://') ? value : `http://${value}`
}

/** A proxy variable as a URL undici takes (settings refused one that is none). */
export function proxyAddress(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = proxyVariable(env, name)?.value
  return value === undefined ? undefined : proxyUrl(value)
}

/**
 * The proxy variables that cannot be used, named without their value (it may hold credentials):
 * undici would throw on them at start, before any request, with no word of which variable it was.
 */
export function proxyProblems(env: Record<string, string | undefined>): string[] {
  return ['https_proxy', 'http_proxy'].flatMap((name) => {
    const variable = proxyVariable(env, name)
    if (variable === undefined || URL.canParse(proxyUrl(variable.value))) return []
    return [`environment variable ${variable.name} is not a proxy address; write it as http://host:port`]
  })
}
