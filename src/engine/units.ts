import type { Int64 } from '../atlas/types.js'

// Quantities as people read and write them: durations as workflow files write them ("90" for
// seconds, "90s", "15m", "1h30m", "8d"), ages, counts and sizes.

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/

/** Milliseconds for a duration, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase()
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const match = DURATION.exec(value)
  if (!match || value === '') return undefined
  // Stryker disable next-line StringLiteral: Number('') is 0 as well, so an empty default means the same.
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match
  return (((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000
}

/** "1h 2m 3s"-style text for a number of milliseconds, rounded to the second ("0s" for under a second). */
export function formatDuration(ms: number): string {
  let seconds = Math.round(ms / 1000)
  const hours = Math.floor(seconds / 3600)
  seconds -= hours * 3600
  const minutes = Math.floor(seconds / 60)
  seconds -= minutes * 60
  const parts = []
  if (hours) parts.push(`${hours}h`)
  if (minutes) parts.push(`${minutes}m`)
  if (seconds || parts.length === 0) parts.push(`${seconds}s`)
  return parts.join(' ')
}

/** A bound of a duration input: whole days as days ("5d", "366d"), anything else as formatDuration. */
export function formatLimit(ms: number): string {
  const day = 24 * 3_600_000
  return ms >= day && ms % day === 0 ? `${ms / day}d` : formatDuration(ms)
}

/** An age for people: "21d 4h" from two days on (hours alone grow hard to read), else as formatDuration. */
export function formatAge(ms: number): string {
  const hours = Math.floor(ms / 3_600_000)
  if (hours < 48) return formatDuration(ms)
  return `${Math.floor(hours / 24)}d${hours % 24 ? ` ${hours % 24}h` : ''}`
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
  return unit === 0 ? `${value.toString()} ${UNITS[0]}` : `${size.toFixed(1)} ${UNITS[unit]}`
}
