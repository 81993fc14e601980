import { describe, expect, it } from '@jest/globals'
import { pipelineRun } from '../../../src/resources/pipeline-run/index.js'
import { InputError, readSettings } from '../../../src/engine/settings.js'
import { widgetBuild } from '../../fixtures/widget-resource.js'

const base = {
  groupId: '32b6e34b3d91647abb20e7b8',
  pipelineName: 'nightly-export',
  runId: '6650f1a2b3c4d5e6f7a8b9c0',
  publicKey: 'pub',
  privateKey: 'priv'
}

function settingsFrom(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return readSettings(pipelineRun, (name) => inputs[name] ?? '', env)
}

function problemsOf(inputs: Record<string, string>, env: Record<string, string> = {}): string[] {
  try {
    settingsFrom(inputs, env)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as InputError).problems
  }
  throw new Error('expected an InputError')
}

describe('settings', () => {
  it('applies the documented defaults', () => {
    const s = settingsFrom(base)
    expect(s.baseUrl.href).toBe('https://cloud.mongodb.com/')
    expect(s.apiVersion).toBe('2023-01-01')
    expect(s.successStates).toEqual(['DONE'])
    expect([s.envelope, s.pretty, s.summary, s.wait]).toEqual([false, false, true, false])
    expect([s.timeoutMs, s.pollIntervalMs, s.requestTimeoutMs]).toEqual([30 * 60_000, 15_000, 30_000])
    expect(s.credentials).toEqual({ kind: 'digest', publicKey: 'pub', privateKey: 'priv' })
  })

  it.each([
    ['groupId', '32B6E34B3D91647ABB20E7B8', 'groupId "32B6E34B3D91647ABB20E7B8" must be 24 hexadecimal characters'],
    ['groupId', '', 'groupId is required'],
    ['runId', '6650f1a2', 'runId "6650f1a2" must be 24 hexadecimal characters'],
    ['pipelineName', 'a/b', 'pipelineName "a/b" must be 1 to 64 characters'],
    ['pipelineName', 'has space', 'pipelineName "has space" must be 1 to 64'],
    ['pipelineName', 'x'.repeat(65), 'must be 1 to 64 characters'],
    ['pipelineName', 'cost$', 'none of them /, \\, space, " or $'],
    ['pipelineName', 'bad\uD800name', 'lone surrogate'],
    ['apiVersion', '2023-13-01', 'apiVersion "2023-13-01" must be a date written YYYY-MM-DD'],
    ['apiVersion', 'latest', 'apiVersion "latest"'],
    ['successStates', 'DONE,FINISHED', 'unknown: FINISHED'],
    ['envelope', 'yes', 'envelope is "yes"; it must be true or false'],
    [
      'timeout',
      '10 minutes',
      'timeout is "10 minutes"; write a duration such as 90, 90s, 15m, 1h30m or 2d (from 1s to 5d)'
    ],
    ['requestTimeout', '0', 'requestTimeout is "0"; it must be from 1s to 10m'],
    ['baseUrl', 'http://cloud.mongodb.com', 'must use https'],
    ['baseUrl', 'not a url', 'is not a URL'],
    ['baseUrl', 'https://user:pw@cloud.mongodb.com', 'must not contain a user name or password'],
    ['baseUrl', 'https://cloud.mongodb.com/?x=1', 'must not have a query']
  ])('rejects %s=%j naming the input and the rule', (name, value, expected) => {
    const problems = problemsOf({ ...base, [name]: value })
    expect(problems.join('\n')).toContain(expected)
  })

  it('accepts a pipelineName with characters that need percent-encoding', () => {
    expect(settingsFrom({ ...base, pipelineName: 'nightly#1?x&y%z+é' }).ref.pipelineName).toBe('nightly#1?x&y%z+é')
  })

  it('counts pipelineName length in UTF-16 code units, as Atlas does', () => {
    expect(problemsOf({ ...base, pipelineName: '😀'.repeat(33) }).join()).toContain('1 to 64 characters')
    expect(settingsFrom({ ...base, pipelineName: '😀'.repeat(32) }).ref.pipelineName).toHaveLength(64)
  })

  it('reports every problem at once', () => {
    const problems = problemsOf({ groupId: 'x', runId: 'y', pipelineName: '', publicKey: 'p' })
    expect(problems).toHaveLength(4)
  })

  it('allows plain http only to loopback hosts', () => {
    expect(settingsFrom({ ...base, baseUrl: 'http://127.0.0.1:8080' }).baseUrl.href).toBe('http://127.0.0.1:8080/')
    expect(settingsFrom({ ...base, baseUrl: 'http://localhost:1' }).baseUrl.host).toBe('localhost:1')
    expect(settingsFrom({ ...base, baseUrl: 'http://[::1]:1' }).baseUrl.host).toBe('[::1]:1')
    expect(problemsOf({ ...base, baseUrl: 'http://10.0.0.1' }).join()).toContain('must use https')
    expect(problemsOf({ ...base, baseUrl: 'http://127.example.com' }).join()).toContain('must use https')
  })

  it('keeps a gateway path prefix in baseUrl', () => {
    expect(settingsFrom({ ...base, baseUrl: 'https://gw.example.com/atlas' }).baseUrl.href).toBe(
      'https://gw.example.com/atlas/'
    )
  })

  it('normalises successStates and drops duplicates', () => {
    expect(settingsFrom({ ...base, successStates: 'done, DATASET_DELETED,DONE' }).successStates).toEqual([
      'DONE',
      'DATASET_DELETED'
    ])
  })

  it('parses booleans as @actions/core does', () => {
    expect(settingsFrom({ ...base, envelope: 'True', pretty: 'TRUE', summary: 'false', wait: 'FALSE' })).toMatchObject({
      envelope: true,
      pretty: true,
      summary: false,
      wait: false
    })
  })

  it('rejects a pollInterval longer than the timeout in wait mode', () => {
    expect(problemsOf({ ...base, wait: 'true', timeout: '1m', pollInterval: '2m' }).join()).toContain(
      'pollInterval (2m) must not exceed timeout (1m)'
    )
    expect(settingsFrom({ ...base, wait: 'true', timeout: '1h30m', pollInterval: '90' })).toMatchObject({
      timeoutMs: 5_400_000,
      pollIntervalMs: 90_000
    })
  })

  describe('credentials', () => {
    const run = { groupId: base.groupId, pipelineName: base.pipelineName, runId: base.runId }

    it.each([
      [
        { clientId: 'id', clientSecret: 's' },
        { kind: 'oauth', clientId: 'id', clientSecret: 's' }
      ],
      [
        { publicKey: 'p', privateKey: 'k' },
        { kind: 'digest', publicKey: 'p', privateKey: 'k' }
      ],
      [{ accessToken: 't' }, { kind: 'bearer', accessToken: 't' }]
    ])('takes %j from inputs', (inputs, expected) => {
      expect(settingsFrom({ ...run, ...inputs }).credentials).toEqual(expected)
    })

    it.each([
      [{ MONGODB_ATLAS_CLIENT_ID: 'id', MONGODB_ATLAS_CLIENT_SECRET: 's' }, 'oauth'],
      [{ MONGODB_ATLAS_PUBLIC_API_KEY: 'p', MONGODB_ATLAS_PRIVATE_API_KEY: 'k' }, 'digest']
    ])('falls back to the environment %j', (env, kind) => {
      expect(settingsFrom(run, env).credentials.kind).toBe(kind)
    })

    it('ignores the environment when any credential input is given', () => {
      const s = settingsFrom(
        { ...run, accessToken: 't' },
        { MONGODB_ATLAS_CLIENT_ID: 'id', MONGODB_ATLAS_CLIENT_SECRET: 's' }
      )
      expect(s.credentials.kind).toBe('bearer')
    })

    it.each([
      [{ clientId: 'id' }, {}, 'input clientId is set but input clientSecret is missing'],
      [{ privateKey: 'k' }, {}, 'input privateKey is set but input publicKey is missing'],
      [
        {},
        { MONGODB_ATLAS_CLIENT_SECRET: 's' },
        'environment variable MONGODB_ATLAS_CLIENT_SECRET is set but environment variable MONGODB_ATLAS_CLIENT_ID is missing'
      ],
      [
        { clientId: 'id', clientSecret: 's', accessToken: 't' },
        {},
        'credentials of more than one kind were given (oauth, bearer)'
      ],
      [
        {},
        {},
        'no credentials: set clientId + clientSecret (a service account), publicKey + privateKey (an API key) or accessToken, ' +
          'or the environment variables MONGODB_ATLAS_CLIENT_ID + MONGODB_ATLAS_CLIENT_SECRET or MONGODB_ATLAS_PUBLIC_API_KEY + MONGODB_ATLAS_PRIVATE_API_KEY'
      ]
    ])('rejects %j / env %j', (inputs, env, expected) => {
      expect(problemsOf({ ...run, ...inputs }, env).join()).toContain(expected)
    })

    it('never puts a secret into an error message', () => {
      const problems = problemsOf({ ...run, clientSecret: 'TOPSECRET', groupId: 'bad' })
      expect(problems.join()).not.toContain('TOPSECRET')
    })
  })

  describe('limits', () => {
    it.each([
      ['timeout', '120h', 120 * 3600_000],
      ['pollInterval', '1h', 3600_000],
      ['requestTimeout', '10m', 600_000],
      ['timeout', '1s', 1000]
    ])('accepts %s at its bound (%s)', (name, value, ms) => {
      const s = settingsFrom({ ...base, [name]: value, requestTimeout: name === 'requestTimeout' ? value : '1s' })
      const key = `${name}Ms` as 'timeoutMs' | 'pollIntervalMs' | 'requestTimeoutMs'
      expect(s[key]).toBe(ms)
    })

    it.each([
      ['timeout', '120h1s', 'timeout is "120h1s"; it must be from 1s to 5d'],
      ['pollInterval', '1h1s', 'pollInterval is "1h1s"; it must be from 1s to 1h'],
      ['requestTimeout', '10m1s', 'requestTimeout is "10m1s"; it must be from 1s to 10m'],
      ['requestTimeout', '0s', 'requestTimeout is "0s"; it must be from 1s to 10m'],
      ['pollInterval', '596h', 'pollInterval is "596h"; it must be from 1s to 1h']
    ])('refuses %s beyond its bound (%s)', (name, value, expected) => {
      expect(problemsOf({ ...base, [name]: value })).toEqual([expected])
    })

    it('lets no request outlive the overall deadline: requestTimeout is capped at timeout', () => {
      expect(settingsFrom({ ...base, timeout: '3s', requestTimeout: '20s' }).requestTimeoutMs).toBe(3000)
      expect(settingsFrom({ ...base, timeout: '1m', requestTimeout: '20s' }).requestTimeoutMs).toBe(20_000)
    })

    it.each([
      [{ accessToken: 'a\u2028b' }, 'input accessToken contains a character outside Latin-1 at character 2'],
      [{ accessToken: 'tab\there' }, 'input accessToken contains a control character at character 4'],
      [
        { publicKey: 'p\u007f', privateKey: 'private-key-value' },
        'input publicKey contains a control character at character 2'
      ],
      [{ clientId: 'id\n', clientSecret: 'client-secret-value' }, 'input clientId contains a line break at character 3']
    ])('refuses a credential that cannot go into a header, without quoting it: %j', (credentials, expected) => {
      const problems = problemsOf({
        groupId: base.groupId,
        pipelineName: base.pipelineName,
        runId: base.runId,
        ...credentials
      })
      expect(problems).toEqual([expect.stringContaining(expected)])
      for (const value of Object.values(credentials)) expect(problems.join()).not.toContain(value)
    })

    it('names the environment variable, not an input, when the credential came from there', () => {
      const run = { groupId: base.groupId, pipelineName: base.pipelineName, runId: base.runId }
      expect(problemsOf(run, { MONGODB_ATLAS_CLIENT_ID: 'i\u0001d', MONGODB_ATLAS_CLIENT_SECRET: 'secret' })).toEqual([
        expect.stringMatching(
          /^environment variable MONGODB_ATLAS_CLIENT_ID contains a control character at character 2;/
        )
      ])
    })

    it('accepts Latin-1 in a credential: it can be sent', () => {
      expect(settingsFrom({ ...base, privateKey: 'caf\u00e9' }).credentials).toMatchObject({ privateKey: 'caf\u00e9' })
    })

    it.each([
      ['http://127.0.0.2:8080', true],
      ['http://127.255.255.254', true],
      ['http://localhost:3000', true],
      ['http://[::1]:8080', true],
      ['http://127.0.0.1.evil.example', false],
      ['http://128.0.0.1', false],
      ['http://localhost.evil.example', false]
    ])('plain http to %s is loopback: %s', (baseUrl, loopback) => {
      const problems = (() => {
        try {
          settingsFrom({ ...base, baseUrl })
          return []
        } catch (error) {
          return (error as InputError).problems
        }
      })()
      expect(problems.some((p) => p.includes('must use https'))).toBe(!loopback)
    })
  })
})

describe('each problem, word for word', () => {
  const RUN_STATES = 'PENDING, IN_PROGRESS, DONE, FAILED, DATASET_DELETED'
  it.each([
    ['baseUrl', 'not a url', 'baseUrl "not a url" is not a URL; use e.g. https://cloud.mongodb.com'],
    [
      'baseUrl',
      'https://user@cloud.mongodb.com',
      'baseUrl must not contain a user name or password; pass credentials through their own inputs'
    ],
    [
      'baseUrl',
      'https://:secret@cloud.mongodb.com',
      'baseUrl must not contain a user name or password; pass credentials through their own inputs'
    ],
    [
      'baseUrl',
      'https://cloud.mongodb.com/#top',
      'baseUrl "https://cloud.mongodb.com/#top" must not have a query or fragment'
    ],
    [
      'baseUrl',
      'ftp://127.0.0.1',
      'baseUrl "ftp://127.0.0.1" must use https (plain http is allowed only to localhost/127.0.0.1/[::1]), so credentials never travel in clear text'
    ],
    [
      'apiVersion',
      '2023-02-30',
      'apiVersion "2023-02-30" must be a date written YYYY-MM-DD, like 2023-01-01 (the default)'
    ],
    [
      'apiVersion',
      '2023-1-01',
      'apiVersion "2023-1-01" must be a date written YYYY-MM-DD, like 2023-01-01 (the default)'
    ],
    [
      'apiVersion',
      ' 2023-01-01x',
      'apiVersion " 2023-01-01x" must be a date written YYYY-MM-DD, like 2023-01-01 (the default)'
    ],
    [
      'successStates',
      ', ,',
      `successStates ", ," must list states of the pipeline run, separated by commas: ${RUN_STATES}`
    ],
    [
      'successStates',
      'DONE finished, Ok',
      `successStates "DONE finished, Ok" must list states of the pipeline run, separated by commas: ${RUN_STATES} (unknown: finished, Ok)`
    ],
    ['wait', 'yes', 'wait is "yes"; it must be true or false'],
    ['summary', 'tRuE', 'summary is "tRuE"; it must be true or false'],
    ['pretty', '1', 'pretty is "1"; it must be true or false'],
    ['timeout', '5 min', 'timeout is "5 min"; write a duration such as 90, 90s, 15m, 1h30m or 2d (from 1s to 5d)'],
    ['pollInterval', '0', 'pollInterval is "0"; it must be from 1s to 1h'],
    ['statusContext', 'c'.repeat(256), 'statusContext must be at most 255 characters']
  ])('%s %j: %s', (name, value, problem) => {
    const inputs = { ...base, githubToken: 'ghs_x', [name]: value }
    expect(problemsOf(inputs, { GITHUB_REPOSITORY: 'acme/data' })).toEqual([problem])
  })

  it('says what a commit status needs', () => {
    expect(problemsOf({ ...base, statusContext: 'atlas' }, {})).toEqual([
      'statusContext is set but githubToken is empty; it defaults to the workflow token (github.token), which needs the statuses: write permission',
      'statusContext is set but GITHUB_REPOSITORY is not: commit statuses can only be posted from a workflow run'
    ])
    const ok = settingsFrom(
      { ...base, statusContext: 'c'.repeat(255), githubToken: 'ghs_x' },
      {
        GITHUB_REPOSITORY: 'acme/data',
        GITHUB_RUN_ID: '9'
      }
    )
    expect(ok.status).toEqual({
      context: 'c'.repeat(255),
      token: 'ghs_x',
      targetUrl: 'https://github.com/acme/data/actions/runs/9'
    })
    expect(settingsFrom({ ...base, githubToken: 'ghs_x' }).status).toBeUndefined()
  })

  it('links the workflow run, with its attempt after the first', () => {
    const env = { GITHUB_REPOSITORY: 'acme/data', GITHUB_RUN_ID: '9' }
    expect(settingsFrom(base, env).workflowRunUrl).toBe('https://github.com/acme/data/actions/runs/9')
    expect(settingsFrom(base, { ...env, GITHUB_RUN_ATTEMPT: '1' }).workflowRunUrl).toBe(
      'https://github.com/acme/data/actions/runs/9'
    )
    expect(
      settingsFrom(base, { ...env, GITHUB_RUN_ATTEMPT: '3', GITHUB_SERVER_URL: 'https://ghe.example' }).workflowRunUrl
    ).toBe('https://ghe.example/acme/data/actions/runs/9/attempts/3')
    expect(settingsFrom(base, { GITHUB_RUN_ID: '9' }).workflowRunUrl).toBeUndefined()
    expect(settingsFrom(base, { GITHUB_REPOSITORY: 'acme/data' }).workflowRunUrl).toBeUndefined()
  })

  it('allows a pollInterval equal to the timeout, and a longer one when not waiting', () => {
    expect(settingsFrom({ ...base, wait: 'true', timeout: '1m', pollInterval: '60' }).pollIntervalMs).toBe(60_000)
    expect(settingsFrom({ ...base, timeout: '1m', pollInterval: '2m' }).pollIntervalMs).toBe(120_000)
    expect(problemsOf({ ...base, wait: 'true', timeout: '1m', pollInterval: '61' })).toEqual([
      'pollInterval (61) must not exceed timeout (1m)'
    ])
    expect(problemsOf({ ...base, wait: 'true', pollInterval: '31m' })).toEqual([
      'pollInterval (31m) must not exceed timeout (30m)'
    ])
    expect(problemsOf({ ...base, wait: 'true', timeout: '10s' })).toEqual([
      'pollInterval (15s) must not exceed timeout (10s)'
    ])
  })

  it('says one problem in one line, and lists several', () => {
    expect(new InputError(['wait is "x"'], { summary: true }).message).toBe('Invalid input: wait is "x"')
    expect(new InputError(['a', 'b'], { summary: true }).message).toBe('Invalid inputs:\n- a\n- b')
    expect(new InputError(['a'], { summary: true }).name).toBe('InputError')
  })

  it('reads a half-given credential from the environment as missing, trimming what is set', () => {
    expect(
      problemsOf(
        { groupId: base.groupId, pipelineName: 'p', runId: base.runId },
        {
          MONGODB_ATLAS_PUBLIC_API_KEY: ' pub ',
          MONGODB_ATLAS_PRIVATE_API_KEY: '   '
        }
      )
    ).toEqual([
      'environment variable MONGODB_ATLAS_PUBLIC_API_KEY is set but environment variable MONGODB_ATLAS_PRIVATE_API_KEY is missing; an API key needs both'
    ])
    const trimmed = settingsFrom(
      { groupId: base.groupId, pipelineName: 'p', runId: base.runId },
      {
        MONGODB_ATLAS_PUBLIC_API_KEY: ' pub ',
        MONGODB_ATLAS_PRIVATE_API_KEY: ' priv\t'
      }
    )
    expect(trimmed.credentials).toEqual({ kind: 'digest', publicKey: 'pub', privateKey: 'priv' })
  })

  it('names every kind given when there are several, and what to give instead', () => {
    expect(problemsOf({ ...base, clientId: 'i', clientSecret: 's', accessToken: 't' })).toEqual([
      'credentials of more than one kind were given (oauth, digest, bearer); give exactly one: clientId + clientSecret, publicKey + privateKey, or accessToken'
    ])
  })

  it('names the environment variable of a credential that cannot be sent', () => {
    expect(
      problemsOf(
        { groupId: base.groupId, pipelineName: 'p', runId: base.runId },
        {
          MONGODB_ATLAS_CLIENT_ID: 'id',
          MONGODB_ATLAS_CLIENT_SECRET: 'se\u0001cret'
        }
      )
    ).toEqual([
      'environment variable MONGODB_ATLAS_CLIENT_SECRET contains a control character at character 3; a credential is one line of printable characters that can be sent in an HTTP header: copy it again'
    ])
  })
})

describe('the proxy variables', () => {
  it('refuses one that is no address, naming the variable and never its value', () => {
    const problems = problemsOf(base, { https_proxy: 'http://user:s3cret@[', HTTP_PROXY: 'http://proxy:3128' })
    expect(problems).toEqual(['environment variable https_proxy is not a proxy address; write it as http://host:port'])
    expect(problemsOf(base, { HTTP_PROXY: ':::' })).toEqual([
      'environment variable HTTP_PROXY is not a proxy address; write it as http://host:port'
    ])
  })

  it('accepts a bare host:port, and a blank variable as unset', () => {
    expect(settingsFrom(base, { HTTPS_PROXY: 'proxy.corp:3128', https_proxy: ' ', HTTP_PROXY: '' }).baseUrl.host).toBe(
      'cloud.mongodb.com'
    )
  })
})

describe('maxAge', () => {
  const latest = { ...base, runId: 'latest' }

  it('is unset by default, and read as a duration with runId latest', () => {
    expect('maxAgeMs' in settingsFrom(latest)).toBe(false)
    expect(settingsFrom({ ...latest, maxAge: '26h' }).maxAgeMs).toBe(26 * 3_600_000)
    expect(settingsFrom({ ...latest, maxAge: '8784h' }).maxAgeMs).toBe(8784 * 3_600_000)
    // A restore drill in the last 8 days, in days.
    expect(settingsFrom({ ...latest, maxAge: '8d' }).maxAgeMs).toBe(8 * 24 * 3_600_000)
    expect(settingsFrom({ ...latest, maxAge: '1d12h' }).maxAgeMs).toBe(36 * 3_600_000)
    expect(settingsFrom({ ...latest, maxAge: '1s' }).maxAgeMs).toBe(1000)
  })

  it.each([
    [
      { ...base, maxAge: '26h' },
      'maxAge is set but runId is not latest; maxAge only applies to the newest pipeline run (runId: latest)'
    ],
    [{ ...latest, maxAge: 'a day' }, 'maxAge is "a day"; write a duration such as 26h, 90m or 8d (from 1s to 366d)'],
    [{ ...latest, maxAge: '0' }, 'maxAge is "0"; it must be from 1s to 366d'],
    [{ ...latest, maxAge: '8784h1s' }, 'maxAge is "8784h1s"; it must be from 1s to 366d']
  ])('refuses %j before any request, naming maxAge and the rule', (inputs, problem) => {
    expect(problemsOf(inputs)).toEqual([problem])
  })

  it('is refused for a resource that has no latest', () => {
    const widgetInputs: Record<string, string> = { ...base, widgetId: base.runId, maxAge: '26h' }
    const problems = (() => {
      try {
        readSettings(widgetBuild, (name) => widgetInputs[name] ?? '', {})
        return []
      } catch (error) {
        return (error as InputError).problems
      }
    })()
    expect(problems).toEqual(['maxAge is set, but a widget build has no newest one to measure'])
  })
})
