// Durations as users write them in workflow files: "90" (seconds), "90s", "15m", "1h30m".

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/

/** Milliseconds for a duration, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase()
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const match = DURATION.exec(value)
  if (!match || value === '') return undefined
  // Stryker disable next-line StringLiteral: Number('') is 0 as well, so an empty default means the same.
  const [, hours = '0', minutes = '0', seconds = '0'] = match
  return ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000
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

/** An age for people: "21d 4h" from two days on (hours alone grow hard to read), else as formatDuration. */
export function formatAge(ms: number): string {
  const hours = Math.floor(ms / 3_600_000)
  if (hours < 48) return formatDuration(ms)
  return `${Math.floor(hours / 24)}d${hours % 24 ? ` ${hours % 24}h` : ''}`
}
