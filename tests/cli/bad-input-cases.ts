/**
 * The bad-input table: what a user may get wrong, per command, and the one line oomkit answers
 * with. `$D` in argv, files and expected lines is the test's temporary directory.
 */

export interface BadInput {
  /** Command-line arguments. */
  argv: string[]
  /** Files to create in $D first (name → content). */
  files?: Record<string, string>
  stdin?: string
  code: number
  /** The exact first (and only) line on stderr. */
  line: string
}

const SCN = (body: string): string => `name: t\nprofile: "6.1"\n${body}`
const MACHINE = 'machine: { memory: 1G }\n'
const BOMB = ['a: &a [x, x, x, x, x, x, x, x, x]']
for (const [n, p] of [
  ['b', 'a'],
  ['c', 'b'],
  ['d', 'c'],
  ['e', 'd'],
  ['f', 'e'],
  ['g', 'f']
] as const)
  BOMB.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(', ')}]`)

/** simulate: flags, files, YAML and scenario contents. */
const simulate: BadInput[] = [
  {
    argv: ['simulat'],
    code: 2,
    line: "oomkit: unknown command 'simulat' (did you mean simulate?)"
  },
  {
    argv: ['simulate', '$D/missing.yaml'],
    code: 2,
    line: "oomkit: cannot read scenario '$D/missing.yaml' (ENOENT)"
  },
  { argv: ['simulate', '$D'], code: 2, line: "oomkit: cannot read scenario '$D' (EISDIR)" },
  {
    argv: ['simulate', '--profile', '9.99'],
    code: 2,
    line: "oomkit: unknown kernel profile '9.99' (--profile): newer than any known kernel; known: rhel6, 3.10.0, 3.10, 4.14-android, 4.14, 4.19, 5.4.0, 5.4, 5.10, 5.15, 6.1, 6.6, 6.11, 6.18, or a release like 6.8.0"
  },
  {
    argv: ['simulate', '--profile', '2.4'],
    code: 2,
    line: "oomkit: unknown kernel profile '2.4' (--profile): older than the oldest profile (3.10); known: rhel6, 3.10.0, 3.10, 4.14-android, 4.14, 4.19, 5.4.0, 5.4, 5.10, 5.15, 6.1, 6.6, 6.11, 6.18, or a release like 6.8.0"
  },
  {
    argv: ['simulate', '--profile', 'nine'],
    code: 2,
    line: "oomkit: unknown kernel profile 'nine' (--profile): not a profile name or a kernel release; known: rhel6, 3.10.0, 3.10, 4.14-android, 4.14, 4.19, 5.4.0, 5.4, 5.10, 5.15, 6.1, 6.6, 6.11, 6.18, or a release like 6.8.0"
  },
  {
    argv: ['simulate', '--profile'],
    code: 2,
    line: "oomkit: option '--profile <name>' argument missing"
  },
  {
    argv: ['simulate', '--seed', 'x'],
    code: 2,
    line: "oomkit: --seed expects an integer, got 'x'"
  },
  { argv: ['simulate', '--frobnicate'], code: 2, line: "oomkit: unknown option '--frobnicate'" },
  {
    argv: ['simulate', 'a.yaml', 'b.yaml'],
    code: 2,
    line: "oomkit: too many arguments for 'simulate'. Expected 1 argument but got 2."
  },
  {
    argv: ['simulate', '--trace', '$D/nodir/t.jsonl'],
    code: 2,
    line: "oomkit: cannot write trace '$D/nodir/t.jsonl' (ENOENT)"
  },
  {
    argv: ['simulate', '--html', '$D/nodir/r.html'],
    code: 2,
    line: 'oomkit: $D/nodir/r.html: cannot write the HTML report: no such directory'
  },
  {
    argv: ['simulate', '--html', '$D'],
    code: 2,
    line: 'oomkit: $D: cannot write the HTML report: is a directory'
  },
  {
    argv: ['simulate', '$D/bomb.yaml'],
    files: { 'bomb.yaml': BOMB.join('\n') + '\n' },
    code: 2,
    line: 'oomkit: $D/bomb.yaml: not a usable scenario: Excessive alias count indicates a resource exhaustion attack'
  },
  {
    argv: ['simulate', '$D/e.yaml'],
    files: { 'e.yaml': '' },
    code: 2,
    line: 'oomkit: $D/e.yaml:1:1: expected a mapping with name, profile, machine and processes'
  },
  {
    argv: ['simulate', '$D/s.yaml'],
    files: { 's.yaml': 'just a string\n' },
    code: 2,
    line: 'oomkit: $D/s.yaml:1:1: expected a mapping with name, profile, machine and processes'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': 'name: [unclosed\n' },
    code: 2,
    line: 'oomkit: $D/t.yaml:2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': 'name: a\nname: b\n' },
    code: 2,
    line: 'oomkit: $D/t.yaml:2:1: YAML syntax error: Map keys must be unique'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': 'name: t\nmachine: { memory: 1G }\nprocesses: []\n' },
    code: 2,
    line: 'oomkit: $D/t.yaml:1:1: profile: missing required field (expected string)'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': SCN('processes: []\n') },
    code: 2,
    line: 'oomkit: $D/t.yaml:1:1: machine: missing required field (expected object)'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': SCN('machine: { memory: 0 }\nprocesses: []\n') },
    code: 2,
    line: 'oomkit: $D/t.yaml:3:20: machine memory 0 is too small to boot (at least 16M)'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': SCN('machine: { memory: 4k }\nprocesses: []\n') },
    code: 2,
    line: 'oomkit: $D/t.yaml:3:20: machine memory 4k is too small to boot (at least 16M)'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': SCN('machine: { memory: 1048576T }\nprocesses: []\n') },
    code: 2,
    line: "oomkit: $D/t.yaml:3:20: machine memory 1048576T is larger than the simulator's limit of 64T"
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': SCN('machine: { memory: lots }\nprocesses: []\n') },
    code: 2,
    line: 'oomkit: $D/t.yaml:3:20: machine.memory: expected a size such as "512M", "4G", "64kB" or a page count, got "lots"'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: {
      't.yaml': SCN(
        'machine: { memory: 64M }\nprocesses:\n  - { pid: 100, comm: hog, rss: { anon: 10G } }\n'
      )
    },
    code: 2,
    line: 'oomkit: $D/t.yaml:5:33: process 100 holds 2621440 pages, more than RAM and swap together (16384 pages, memory 64M)'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: {
      't.yaml': SCN(
        MACHINE +
          'processes:\n  - { pid: 100, comm: a, cowFrom: 101, rss: { anon: 10M } }\n  - { pid: 101, comm: b, cowFrom: 100, rss: { anon: 10M } }\n'
      )
    },
    code: 2,
    line: 'oomkit: $D/t.yaml:5:35: cowFrom: process 100 is its own COW source (100 -> 101 -> 100)'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: {
      't.yaml': SCN(
        MACHINE +
          'processes:\n  - { pid: 100, comm: a, ppid: 101 }\n  - { pid: 101, comm: b, ppid: 100 }\n'
      )
    },
    code: 2,
    line: 'oomkit: $D/t.yaml:5:32: ppid: process 100 is its own ancestor (100 -> 101 -> 100)'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: {
      't.yaml': SCN(MACHINE + 'processes:\n  - { pid: 100, comm: a }\n  - { pid: 100, comm: b }\n')
    },
    code: 2,
    line: 'oomkit: $D/t.yaml:6:12: duplicate pid 100'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': SCN(MACHINE + 'processes:\n  - { pid: 100, comm: a, memcg: /nope }\n') },
    code: 2,
    line: "oomkit: $D/t.yaml:5:33: unknown cgroup '/nope' (declare it under cgroups.groups)"
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': SCN(MACHINE + 'processes:\n  - { pid: 100, comm: abcdefghijklmnopq }\n') },
    code: 2,
    line: 'oomkit: $D/t.yaml:5:23: processes[0].comm: "abcdefghijklmnopq" is too large (maximum 15): comm is at most 15 characters (TASK_COMM_LEN - 1)'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: {
      't.yaml': SCN(MACHINE + 'processes:\n  - { pid: 100, comm: a, oom_score_adj: 2000 }\n')
    },
    code: 2,
    line: 'oomkit: $D/t.yaml:5:41: processes[0].oom_score_adj: 2000 is too large (maximum 1000)'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': SCN(MACHINE + 'processes:\n  - { pid: 100, comm: a, ppid: 77 }\n') },
    code: 2,
    line: 'oomkit: $D/t.yaml:5:32: ppid 77 is not a listed process'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': SCN(MACHINE + 'processes:\n  - { pid: 100, comm: a, cowFrom: 100 }\n') },
    code: 2,
    line: 'oomkit: $D/t.yaml:5:35: cowFrom: no other process with pid 100'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': SCN(MACHINE + 'processes:\n  - { pid: 100, comm: a, bogus: 1 }\n') },
    code: 2,
    line: "oomkit: $D/t.yaml:5:26: unknown key 'bogus' in processes[0]"
  },
  {
    argv: ['simulate', '$D/t.json'],
    files: { 't.json': '{"name": "t", ' },
    code: 2,
    line: 'oomkit: $D/t.json:1:15: YAML syntax error: Flow map must end with a }'
  },
  {
    argv: ['simulate', '$D/t.yaml'],
    files: { 't.yaml': 'name: t\nprofile: "9.99"\n' + MACHINE + 'processes: []\n' },
    code: 2,
    line: "oomkit: $D/t.yaml:2:10: unknown kernel profile '9.99': newer than any known kernel; known: rhel6, 3.10.0, 3.10, 4.14-android, 4.14, 4.19, 5.4.0, 5.4, 5.10, 5.15, 6.1, 6.6, 6.11, 6.18"
  },
  {
    argv: ['simulate', '-'],
    stdin: 'name: [\n',
    code: 2,
    line: 'oomkit: <stdin>:2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'
  }
]

/** explain: inputs and flags. */
const explain: BadInput[] = [
  { argv: ['explain', '$D/missing.log'], code: 2, line: 'oomkit: $D/missing.log: no such file' },
  { argv: ['explain', '$D'], code: 2, line: 'oomkit: $D: is a directory' },
  {
    argv: ['explain', '--profile', 'nope', '-'],
    stdin: 'x\n',
    code: 2,
    line: 'oomkit: unknown profile "nope" (known: rhel6, 3.10.0, 3.10, 4.14-android, 4.14, 4.19, 5.4.0, 5.4, 5.10, 5.15, 6.1, 6.6, 6.11, 6.18)'
  },
  { argv: ['explain', '--frobnicate'], code: 2, line: "oomkit: unknown option '--frobnicate'" },
  {
    argv: ['explain', 'a', 'b'],
    code: 2,
    line: "oomkit: too many arguments for 'explain'. Expected 1 argument but got 2."
  },
  { argv: ['explain', '--html'], code: 2, line: "oomkit: option '--html <file>' argument missing" }
]

/** scores and snapshot: flags and host trees. */
const host: BadInput[] = [
  {
    argv: ['scores', '--root', '$D/nothing'],
    code: 2,
    line: 'oomkit: $D/nothing: no proc/ directory here (not a host tree)'
  },
  {
    argv: ['scores', '--root', '$D'],
    code: 2,
    line: 'oomkit: $D: no proc/ directory here (not a host tree)'
  },
  {
    argv: ['scores', '--profile', '9.99'],
    code: 2,
    line: "oomkit: unknown kernel profile '9.99' (--profile): newer than any known kernel; known: rhel6, 3.10.0, 3.10, 4.14-android, 4.14, 4.19, 5.4.0, 5.4, 5.10, 5.15, 6.1, 6.6, 6.11, 6.18, or a release like 6.8.0"
  },
  {
    argv: ['scores', '--profile', 'nope'],
    code: 2,
    line: "oomkit: unknown kernel profile 'nope' (--profile): not a profile name or a kernel release; known: rhel6, 3.10.0, 3.10, 4.14-android, 4.14, 4.19, 5.4.0, 5.4, 5.10, 5.15, 6.1, 6.6, 6.11, 6.18, or a release like 6.8.0"
  },
  { argv: ['scores', '--top', '-1'], code: 2, line: 'oomkit: --top -1: expected a whole number' },
  { argv: ['scores', '--top', 'x'], code: 2, line: 'oomkit: --top x: expected a whole number' },
  {
    argv: ['scores', '--interval', '0'],
    code: 2,
    line: 'oomkit: --interval 0: expected a positive number of seconds'
  },
  {
    argv: ['scores', '--watch', '--json'],
    code: 2,
    line: 'oomkit: --watch and --json cannot be combined'
  },
  {
    argv: ['scores', '--watch'],
    code: 2,
    line: 'oomkit: --watch needs an interactive terminal (stdin and stdout a TTY)'
  },
  {
    argv: ['scores', '--cgroup', '/no/such/group'],
    code: 2,
    line: 'oomkit: --cgroup /no/such/group: no such memory cgroup on this host'
  },
  { argv: ['scores', '--frobnicate'], code: 2, line: "oomkit: unknown option '--frobnicate'" },
  {
    argv: ['snapshot', '--root', '$D/nothing'],
    code: 2,
    line: 'oomkit: $D/nothing: no proc/ directory here (not a host tree)'
  },
  {
    argv: ['snapshot', '--profile', '1.0'],
    code: 2,
    line: "oomkit: unknown kernel profile '1.0' (--profile): older than the oldest profile (3.10); known: rhel6, 3.10.0, 3.10, 4.14-android, 4.14, 4.19, 5.4.0, 5.4, 5.10, 5.15, 6.1, 6.6, 6.11, 6.18, or a release like 6.8.0"
  },
  {
    argv: ['snapshot', '--cgroup', '/no/such/group'],
    code: 2,
    line: 'oomkit: --cgroup /no/such/group: no such memory cgroup on this host'
  },
  {
    argv: ['snapshot', '-o', '$D/nodir/s.yaml'],
    code: 2,
    line: 'oomkit: $D/nodir/s.yaml: cannot write the snapshot: no such file or directory'
  },
  {
    argv: ['snapshot', '-o', '$D'],
    code: 2,
    line: 'oomkit: $D: cannot write the snapshot: is a directory'
  },
  {
    argv: ['snapshot', '--grow', 'nonsense'],
    code: 2,
    line: 'oomkit: --grow nonsense: expected KEY=VALUE'
  },
  {
    argv: ['snapshot', '--set-adj', '1=5000'],
    code: 2,
    line: 'oomkit: --set-adj 1=5000: oom_score_adj must be an integer in -1000..1000'
  },
  {
    argv: ['snapshot', '--limit', '/no/such=1G'],
    code: 2,
    line: "oomkit: --limit: no memory cgroup '/no/such' in the snapshot"
  }
]

/** daemon --check and the program itself. */
const other: BadInput[] = [
  { argv: ['nonsense'], code: 2, line: "oomkit: unknown command 'nonsense'" },
  { argv: ['--frobnicate'], code: 2, line: "oomkit: unknown option '--frobnicate'" },
  {
    argv: ['daemon', '--check', '--config', '$D/missing.yaml'],
    code: 2,
    line: 'oomkit: $D/missing.yaml: no such file'
  },
  {
    argv: ['daemon', '--check', '--mem', 'lots'],
    code: 2,
    line: 'oomkit: --mem: expected TERM[,KILL] as "10%" or "512M", got "lots"'
  },
  {
    argv: ['daemon', '--check', '--sort-by', 'age'],
    code: 2,
    line: 'oomkit: --sort-by: expected badness, rss, swap or growth, got "age"'
  },
  {
    argv: ['daemon', '--check', '--prefer', '('],
    code: 2,
    line: 'oomkit: --prefer: bad regular expression: Invalid regular expression: /(/: Unterminated group'
  },
  {
    argv: ['daemon', '--check', '--log-level', 'loud'],
    code: 2,
    line: 'oomkit: --log-level: expected debug, info, warn or error, got "loud"'
  },
  {
    argv: ['daemon', '--check', '--config', '$D/c.yaml'],
    files: { 'c.yaml': 'mem: [\n' },
    code: 2,
    line: 'oomkit: $D/c.yaml:2:1: Flow sequence in block collection must be sufficiently indented and end with a ]'
  },
  {
    argv: ['daemon', '--check', '--profile', 'nope'],
    code: 2,
    line: 'oomkit: profile: unknown kernel profile "nope"'
  }
]

export const BAD_INPUTS: readonly BadInput[] = [...simulate, ...explain, ...host, ...other]

/** Files this user may not read or write (as root these read fine, so they run only as a user). */
export const PERMISSION_CASES: readonly BadInput[] = [
  {
    argv: ['simulate', '$D/secret.yaml'],
    files: { 'secret.yaml': 'name: t\n' },
    code: 2,
    line: "oomkit: cannot read scenario '$D/secret.yaml' (permission denied)"
  },
  {
    argv: ['explain', '$D/secret.yaml'],
    files: { 'secret.yaml': 'x\n' },
    code: 2,
    line: 'oomkit: $D/secret.yaml: permission denied'
  }
]
