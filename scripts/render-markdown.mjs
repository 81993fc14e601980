// Markdown as GitHub renders it: GFM (tables, autolinks, strikethrough, task lists, and raw HTML
// such as <details>) by micromark, a CommonMark/GFM-compliant parser, styled with
// github-markdown-css. Used by the demo to write pages a person can open, and by tests that look
// at the rendered summary rather than at the Markdown string.

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'

/** The HTML GitHub would make of a job summary (raw HTML allowed, as in summaries). */
export function renderGfm(markdown) {
  return micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] })
}

let css
/** A whole page: the rendered summary in GitHub's Markdown style, light theme. */
export function summaryPage(markdown, title) {
  css ??= readFileSync(createRequire(import.meta.url).resolve('github-markdown-css/github-markdown-light.css'), 'utf8')
  const escapedTitle = title.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c])
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapedTitle}</title>
<style>${css}
body { background: #f6f8fa; margin: 0; padding: 24px; }
.markdown-body { box-sizing: border-box; max-width: 980px; margin: 0 auto; padding: 32px; background: #fff; border: 1px solid #d0d7de; border-radius: 6px; }
.markdown-body details { margin-bottom: 16px; }
</style></head>
<body><article class="markdown-body">
${renderGfm(markdown)}
</article></body></html>
`
}
