/**
 * @module The kill budget: at most `kills` kills in any `window` milliseconds, so one bad moment
 * never becomes a massacre. Pure over the list of past kill times.
 */

/** Whether a kill is allowed at `nowMs`, and if not, when the next one will be. */
export function budgetAllows(
  killTimesMs: readonly number[],
  nowMs: number,
  budget: { kills: number; window: number }
): { ok: true } | { ok: false; nextAtMs: number } {
  const recent = killTimesMs.filter(t => nowMs - t < budget.window).sort((a, b) => a - b)
  if (recent.length < budget.kills) return { ok: true }
  const oldest = recent[recent.length - budget.kills] ?? nowMs
  return { ok: false, nextAtMs: oldest + budget.window }
}

/** Drop kill times older than the window (keeps the list bounded). */
export function pruneKillTimes(
  killTimesMs: readonly number[],
  nowMs: number,
  windowMs: number
): number[] {
  return killTimesMs.filter(t => nowMs - t < windowMs)
}
