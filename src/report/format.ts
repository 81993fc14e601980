import type { Int64 } from '../atlas/types.js'

// Text helpers for the job summary. core.summary does not escape table cells, and the text comes
// from the API, so everything shown passes through escapeMarkdown.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '\\': '&#92;',
  '~': '&#126;',
  '#': '&#35;',
  '!': '&#33;',
  $: '&#36;'
}

/** Text that renders literally in Markdown and HTML, on one line: no tags, links, emphasis or table breaks. */
export function escapeMarkdown(text: string, maxLength = 1000): string {
  const clipped = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text
  return clipped.replace(/\r\n|\r|\n/g, ' ').replace(/[&<>"'|`*_[\]\\~#!$]/g, (c) => ENTITIES[c] as string)
}

/** 1234567 → "1,234,567", every digit kept for bigints. (Not toLocaleString: loading ICU's locale data costs more memory than the whole check.) */
export function formatCount(value: Int64): string {
  return value.toString().replace(/\B(?=(\d{3})+$)/g, ',')
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB']

/** 1288490188 → "1.2 GiB"; bytes under 1 KiB stay exact. */
export function formatBytes(value: Int64): string {
  let size = Number(value)
  let unit = 0
  while (Math.abs(size) >= 1024 && unit < UNITS.length - 1) {
    size /= 1024
    unit += 1
  }
  return unit === 0 ? `${value.toString()} B` : `${size.toFixed(1)} ${UNITS[unit]}`
}
