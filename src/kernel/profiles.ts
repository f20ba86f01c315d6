/**
 * @module Kernel version profiles: each a named set of behaviour flags and output formats.
 *
 * Code elsewhere asks a profile what to do (`profile.badness.rootBonus`), never which version it
 * is. A distro kernel with backports is a variant: `variant(profiles['5.4'], { ... })`.
 * The shape lives in profile-types.ts, the built-in table in profile-table.ts; this module
 * picks a profile by name or by kernel release.
 */
import { profiles } from './profile-table.ts'
import { legacyProfiles } from './profile-table-legacy.ts'
import type { KernelProfile } from './profile-types.ts'

export type {
  AllocRules,
  BadnessRules,
  FormatRules,
  ShowMemFormat,
  KernelProfile,
  KillRules,
  OomScoreRules,
  OutOfMemoryRules,
  ReaperRules,
  SelectRules
} from './profile-types.ts'
export { variant } from './profile-types.ts'
export { profiles } from './profile-table.ts'
export { legacyProfiles } from './profile-table-legacy.ts'

/** The profile of RHEL 6 kernels (2.6.32 with backports), matched by release pattern. */
const rhel6 = profiles.rhel6 as KernelProfile
/** The oldest numbered profile: the answer for any release below it. */
const oldest = profiles['3.10'] as KernelProfile

export const profileNames: readonly string[] = Object.keys(profiles)

/** Parse "a.b[.c...]" into comparable numbers. */
function versionKey(v: string): number[] {
  return (v.match(/^\d+(?:\.\d+)*/)?.[0] ?? '0').split('.').map(Number)
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/**
 * The nearest built-in profile at or below a kernel release string such as `uname -r`
 * ("6.18.44-fc-v769", "3.10.0-693.11.6.el7.x86_64", "2.6.32-220.7.1.el6").
 */
export function profileForRelease(release: string): KernelProfile {
  if (/\.el6/.test(release) || /^2\.6\./.test(release)) return rhel6
  const want = versionKey(release)
  let best: KernelProfile = oldest
  for (const p of Object.values(profiles)) {
    if (p === rhel6) continue
    const k = versionKey(p.version)
    if (compareVersions(k, want) <= 0 && compareVersions(k, versionKey(best.version)) >= 0) best = p
  }
  return best
}

/** oom_badness() rewrite (mm/oom_kill.c, 2.6.36): vanilla releases below it take a legacy row. */
const BADNESS_REWRITE = [2, 6, 36]

/**
 * For explain: the explain-only row at or below a vanilla release before 2.6.36 (the oldest row
 * for older ones); undefined for RHEL6 and anything newer (`profileForRelease` answers those).
 * The simulator never gets these rows: `profileForRelease` keeps mapping 2.6 to rhel6.
 */
export function legacyProfileForRelease(release: string): KernelProfile | undefined {
  if (/\.el6/.test(release) || !/^2\.6\./.test(release)) return undefined
  const want = versionKey(release)
  if (compareVersions(want, BADNESS_REWRITE) >= 0) return undefined
  const rows = Object.values(legacyProfiles)
  let best = rows[0]
  for (const p of rows) if (compareVersions(versionKey(p.version), want) <= 0) best = p
  return best
}

/** A profile by name, or by kernel release when no name matches; undefined if neither. */
export function findProfile(nameOrRelease: string): KernelProfile | undefined {
  return (
    profiles[nameOrRelease] ??
    (/^\d+\.\d+/.test(nameOrRelease) ? profileForRelease(nameOrRelease) : undefined)
  )
}

/** What a name given by a user resolves to: a profile, and whether it was a nearest match. */
export type ProfileLookup =
  | { readonly profile: KernelProfile; readonly exact: boolean }
  | { readonly profile: undefined; readonly reason: string }

/** The newest built-in profile's major version: releases above it are not guessed at. */
function newestMajor(): number {
  return Math.max(...Object.values(profiles).map(p => versionKey(p.version)[0] ?? 0))
}

/**
 * A profile named by a user (`--profile`): a built-in name, or a release that falls inside the
 * table's range (2.6.x, or from the oldest profile to the newest major version), mapped to the
 * nearest profile at or below it. Anything else is unknown, with the reason why.
 */
export function lookupProfile(nameOrRelease: string): ProfileLookup {
  const named = profiles[nameOrRelease]
  if (named !== undefined) return { profile: named, exact: true }
  if (!/^\d+\.\d+(?:[.-].*)?$/.test(nameOrRelease))
    return { profile: undefined, reason: 'not a profile name or a kernel release' }
  const key = versionKey(nameOrRelease)
  const oldestKey = versionKey(oldest.version)
  if (!/^2\.6\./.test(nameOrRelease) && compareVersions(key, oldestKey) < 0)
    return { profile: undefined, reason: `older than the oldest profile (${oldest.name})` }
  if ((key[0] ?? 0) > newestMajor())
    return { profile: undefined, reason: 'newer than any known kernel' }
  return { profile: profileForRelease(nameOrRelease), exact: false }
}
