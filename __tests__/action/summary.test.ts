// The job summary as a person sees it: dist/index.js writes it, GFM renders it (micromark, as the
// demo's pages), and the tests read the HTML: the headline, no empty table, a link into Atlas,
// API text that stays text, and a summary even for invalid inputs.
import { describe, expect, it } from '@jest/globals'
import { BEARER_INPUTS, runWithoutLeaksOrCrash, DIGEST_INPUTS, useSharedAtlas } from '../support/action.js'
import { apiError, DEMO, runDocument } from '../support/fake-atlas.mjs'
import { renderGfm } from '../../scripts/render-markdown.mjs'
import { spawnAction } from '../../scripts/run-action.mjs'

const shared = useSharedAtlas()

function headline(html: string): string {
  return /<h3>(.*?)<\/h3>/s.exec(html)?.[1] ?? ''
}

/** Every table in the page, as the number of body rows it has. */
function tableRowCounts(html: string): number[] {
  return [...html.matchAll(/<table>(.*?)<\/table>/gs)].map(
    ([table]) => (table.match(/<tbody>[\s\S]*?<\/tbody>/)?.[0].match(/<tr>/g) ?? []).length
  )
}

describe('the rendered job summary', () => {
  it.each([
    ['a DONE run', [{ run: runDocument() }], {}, '✅ nightly-export: DONE · 1,234,567 documents · 1.2 GiB'],
    [
      'a FAILED run',
      [{ run: runDocument({ state: 'FAILED', phase: 'EXPORT' }) }],
      {},
      '❌ nightly-export: FAILED in EXPORT'
    ],
    [
      'a sunset run (404)',
      [apiError(404, 'RESOURCE_NOT_FOUND', 'Cannot find resource.')],
      {},
      '❌ nightly-export: run not found (404) — Data Lake Pipelines were sunset on 2025-09-30'
    ],
    [
      'a timeout',
      [{ run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) }],
      { wait: 'true', pollInterval: '1s', timeout: '2s' },
      '❌ nightly-export: timed out after 2s, still IN_PROGRESS (EXPORT)'
    ]
  ])(
    '%s: says what happened in the headline, links into Atlas, and has no empty table',
    async (_name, steps, extra, expected) => {
      shared.atlas.script(steps)
      const result = await runWithoutLeaksOrCrash(shared.atlas.url, { ...BEARER_INPUTS, ...extra })
      const html = renderGfm(result.summary)
      expect(headline(html)).toBe(expected)
      expect(html).toContain(`<a href="${shared.atlas.url}/v2/${DEMO.groupId}#/overview">Open the project in Atlas</a>`)
      expect(tableRowCounts(html).length).toBeGreaterThan(0)
      expect(tableRowCounts(html)).not.toContain(0)
    }
  )

  it('names the credentials Atlas refused, without blaming the body', async () => {
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, {
      publicKey: DEMO.publicKey,
      privateKey: 'not-the-key'
    })
    const html = renderGfm(result.summary)
    expect(headline(html)).toBe('❌ nightly-export: Atlas refused the API key (401)')
    expect(html).toContain('Check publicKey and privateKey')
    expect(html).not.toContain('error document')
  })

  it('shows the phases of a wait as one line', async () => {
    shared.atlas.script([
      { run: runDocument({ state: 'PENDING', phase: 'SNAPSHOT' }) },
      { run: runDocument({ state: 'IN_PROGRESS', phase: 'EXPORT' }) },
      { run: runDocument() }
    ])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, {
      ...DIGEST_INPUTS,
      wait: 'true',
      pollInterval: '1s'
    })
    expect(renderGfm(result.summary)).toMatch(/<p>✅ Snapshot 1s → ✅ Export 1s → ✅ Ingestion<\/p>/)
  })

  it('keeps URLs and Markdown from the API as text', async () => {
    shared.atlas.script([
      { run: runDocument({ state: 'FAILED', datasetName: 'see https://evil.example **now** <img src=x>' }) }
    ])
    const result = await runWithoutLeaksOrCrash(shared.atlas.url, BEARER_INPUTS)
    const html = renderGfm(result.summary)
    expect(html).toContain('<code>see https://evil.example **now** &lt;img src=x&gt;</code>')
    expect(html).not.toContain('href="https://evil.example')
  })

  it('explains invalid inputs in a summary of their own, and sends nothing', async () => {
    const result = await spawnAction({
      inputs: {
        groupId: 'not-an-id',
        pipelineName: DEMO.pipelineName,
        runId: DEMO.runId,
        ...BEARER_INPUTS,
        timeout: '9d',
        baseUrl: shared.atlas.url
      }
    })
    const html = renderGfm(result.summary)
    expect(headline(html)).toBe('❌ Invalid inputs — nothing was sent to Atlas')
    expect(html).toContain(
      '<li>groupId &quot;not-an-id&quot; must be 24 hexadecimal characters (digits and lowercase a to f), like 32b6e34b3d91647abb20e7b8</li>'
    )
    expect(html).toContain('<li>timeout is &quot;9d&quot;; it must be from 1s to 5d</li>')
    expect(shared.atlas.requests).toHaveLength(0)
  })
})
