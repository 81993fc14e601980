import type { HttpRequest, HttpResponse, Transport } from '../../src/atlas/http.js'

/** An answer to play: any part of a response (a body is sent as JSON), or a function that answers the request. */
export type Answer = (Partial<HttpResponse> & { body?: unknown }) | ((request: HttpRequest) => Promise<HttpResponse>)

/** A transport that records each request and plays answers in order (the last one repeats). */
export function scriptedTransport(answers: Answer[]): Transport & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = []
  return {
    sent,
    async send(request) {
      sent.push(request)
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!
      if (typeof answer === 'function') return answer(request)
      const text = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body))
      return { status: answer.status ?? 200, headers: answer.headers ?? {}, text }
    },
    close: async () => undefined
  }
}
