/**
 * @module Where parsed events go when the caller takes them as they complete (`explain` writing
 * each report out at once) rather than in one list at the end.
 */
import type { OomEvent } from './oom-event.ts'

/** Takes the events a step completed, in input order; must not keep the array it is handed. */
export type EventSink = (events: OomEvent[]) => void

/** `events`, or an empty list once `sink` has them. */
export function handOver(events: OomEvent[], sink?: EventSink): OomEvent[] {
  if (sink === undefined) return events
  if (events.length > 0) sink(events)
  return []
}
