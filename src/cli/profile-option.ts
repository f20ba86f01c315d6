/**
 * @module `--profile NAME`: the one place a user-given profile name is checked. A built-in name
 * is used as is; a release inside the table's range maps to the nearest profile at or below it,
 * and says so on stderr; anything else is a usage error listing the known names.
 */
import { UserError } from '../errors.ts'
import { lookupProfile, profileNames } from '../kernel/profiles.ts'
import type { KernelProfile } from '../kernel/profiles.ts'
import type { TextSink } from './io.ts'

/** The profile `--profile value` names; a nearest match is reported on `stderr`. */
export function profileOption(value: string, stderr: TextSink): KernelProfile {
  const found = lookupProfile(value)
  if (found.profile === undefined) {
    throw new UserError(
      `unknown kernel profile '${value}' (--profile): ${found.reason}; known: ${profileNames.join(', ')}, or a release like 6.8.0`
    )
  }
  if (!found.exact)
    stderr.write(`oomkit: kernel release ${value} uses profile ${found.profile.name}\n`)
  return found.profile
}
