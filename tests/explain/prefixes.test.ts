/** Any line prefix: the same report under every logging layer parses to the same event. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseReports } from '../../src/explain/parser.ts'
import { splitLostNewlines, stripPrefix } from '../../src/explain/prefix.ts'

const fixture = join(import.meta.dirname, '..', 'fixtures', 'oomlogs', 'cnnotes611_1.log')
/** The cnnotes report without its dmesg timestamps. */
const bare = readFileSync(fixture, 'utf8')
  .split('\n')
  .filter(l => l !== '')
  .map(l => l.replace(/^\[\s*\d+\.\d+\] ?/, ''))

const styles: Record<string, (line: string, i: number) => string> = {
  dmesg: (l, i) => `[${(30 + i / 1e4).toFixed(6).padStart(12)}] ${l}`,
  'dmesg -T (English)': l => `[Mon Dec  8 17:51:31 2025] ${l}`,
  'dmesg -T (French)': l => `[lun. déc.  8 17:51:31 2025] ${l}`,
  'dmesg -T (Chinese)': l => `[一 12月  8 17:51:31 2025] ${l}`,
  syslog: (l, i) =>
    `Dec  8 17:51:31 web-1 kernel: [${(30 + i / 1e4).toFixed(6).padStart(12)}] ${l}`,
  'syslog without host': l => `Jan  5 15:19:27 kernel: ${l}`,
  'journalctl short-precise': l => `Dec 08 17:51:31.123456 web-1 kernel: ${l}`,
  'journalctl short-iso': l => `2025-12-08T17:51:31+0100 web-1 kernel: ${l}`,
  'journalctl short-unix': (l, i) => `${1733676691 + i}.123456 web-1 kernel: ${l}`,
  'journalctl short-full': l => `Mon 2025-12-08 17:51:31 CET web-1 kernel: ${l}`,
  'journalctl short-monotonic': (l, i) =>
    `[${(30 + i / 1e4).toFixed(6).padStart(12)}] web-1 kernel: ${l}`,
  'dmesg --time-format iso': l => `2025-12-08T17:51:31,123456+01:00 ${l}`,
  'dmesg --decode --time-format iso': l => `kern  :warn  : 2025-01-21T04:41:44,283302+00:00 ${l}`,
  'printk level': l => `<4>${l}`,
  'printk level + dmesg': (l, i) => `<6>[${(30 + i / 1e4).toFixed(6).padStart(12)}] ${l}`,
  kmsg: (l, i) => `6,${1000 + i},${30745678 + i},-;${l}`,
  'vmware.log': (l, i) =>
    `2023-12-04T10:49:30.127Z In(05) vcpu-5 - Guest: <6>[${(30 + i / 1e4).toFixed(6).padStart(12)}] ${l}`,
  'printk caller id': (l, i) => `[${(30 + i / 1e4).toFixed(6).padStart(12)}][  T116] ${l}`,
  'CRLF line ends': l => `${l}\r`
}

describe('prefix styles', () => {
  for (const [name, wrap] of Object.entries(styles)) {
    it(name, () => {
      const events = parseReports(bare.map((l, i) => wrap(l, i)).join('\n'))
      expect(events).toHaveLength(1)
      const e = events[0]!
      expect(e.victim).toEqual({ pid: 116, comm: 'stress-ng-vm', source: 'killed' })
      expect(e.trigger?.comm).toBe('stress-ng-vm')
      expect(e.kernelRelease).toBe('6.11.0-10669-g11a299a7933e-dirty')
      expect(e.tasks?.map(t => t.pid)).toEqual([111, 114, 115, 116])
      expect(e.showMem?.pagesRam).toBe(2097022)
      expect(e.showMem?.free).toBe(1097)
      expect(e.constraint).toBe('CONSTRAINT_NONE')
    })
  }
  it('the report keeps working when other programs log in between (syslog)', () => {
    const text = bare
      .flatMap((l, i) => [
        `Dec  8 17:51:31 web-1 kernel: ${l}`,
        ...(i % 7 === 0
          ? [`Dec  8 17:51:31 web-1 CRON[1${i}]: (root) CMD (Killed process 1 (x))`]
          : [])
      ])
      .join('\n')
    const events = parseReports(text)
    expect(events).toHaveLength(1)
    expect(events[0]?.victim?.pid).toBe(116)
  })
})

describe('stripPrefix', () => {
  it('keeps the continuation-line space of a split printk', () => {
    expect(stripPrefix('[   30.745770]  active_file:0 inactive_file:0').text).toBe(
      ' active_file:0 inactive_file:0'
    )
  })
  it('reads the dmesg time and the kmsg time in seconds', () => {
    expect(stripPrefix('[ 5864.708440] x').time).toBeCloseTo(5864.70844, 6)
    expect(stripPrefix('6,22743,6115623303887,-;oom-kill:').time).toBeCloseTo(6115623.303887, 6)
  })
  it('marks other programs as foreign', () => {
    expect(stripPrefix('Jan  5 15:19:01 CRON[14500]: (root) CMD (touch)').foreign).toBe(true)
    expect(stripPrefix('Jan  5 15:19:01 host kernel: x').foreign).toBe(false)
  })
  it('does not eat task rows or the table header', () => {
    expect(stripPrefix('[ 1532]  1020  1532   410347').text).toBe('[ 1532]  1020  1532   410347')
    expect(stripPrefix('[  pid  ]   uid  tgid').text).toBe('[  pid  ]   uid  tgid')
  })
})

describe('lost newlines', () => {
  it('splits a line holding several dmesg records', () => {
    expect(
      splitLostNewlines('[    1.000001] a b c d e f g h[    1.000002] i j k l m n o p q')
    ).toEqual(['[    1.000001] a b c d e f g h', '[    1.000002] i j k l m n o p q'])
  })
  it('recovers a whole report pasted on one line', () => {
    const one = bare.map((l, i) => `[${(30 + i / 1e4).toFixed(6).padStart(12)}] ${l}`).join('')
    const [e] = parseReports(one)
    expect(e?.victim?.pid).toBe(116)
    expect(e?.tasks).toHaveLength(4)
    expect(e?.warnings.map(w => w.code)).toContain('lost-newlines')
  })
})

describe('pasted text', () => {
  it('indented or e-mail quoted dmesg lines', () => {
    for (const lead of ['    ', '\t', '> ', '>> ', '> > ']) {
      const text = bare
        .map((l, i) => `${lead}[${(30 + i / 1e4).toFixed(6).padStart(12)}] ${l}`)
        .join('\n')
      const [e] = parseReports(text)
      expect(e?.victim?.pid, JSON.stringify(lead)).toBe(116)
      expect(e?.tasks, JSON.stringify(lead)).toHaveLength(4)
    }
  })
})

describe('more pasted shapes', () => {
  it('markdown-indented syslog lines', () => {
    const [e] = parseReports(
      [
        '    Aug  2 04:51:11 your_host kernel: [ 4683.267560] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=bash,pid=9626,uid=1000',
        '    Aug  2 04:51:11 your_host kernel: [ 4683.269942] oom_reaper: reaped process 9626 (bash), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
        "    Aug  2 04:51:11 your_host rsyslogd: imuxsock: Acquired UNIX socket '/run/systemd/journal/syslog' (fd 3) from systemd."
      ].join('\n')
    )
    expect(e?.victim).toMatchObject({ pid: 9626, comm: 'bash' })
    expect(e?.reaper[0]).toMatchObject({ outcome: 'reaped', pid: 9626 })
    expect(e?.constraint).toBe('CONSTRAINT_NONE')
  })

  it('two records run together and a caller id with a space', () => {
    const events = parseReports(
      [
        '[30104.280046] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/cron.service,task=node,pid=4294,uid=1001[30104.280053] Out of memory: Kill process 4294 (node) score 4 or sacrifice child',
        '[30104.336047] [ T1308] Killed process 4294 (node) total-vm:937620kB, anon-rss:72856kB, file-rss:16kB, shmem-rss:0kB'
      ].join('\n')
    )
    expect(events).toHaveLength(1)
    expect(events[0]?.summary?.pid).toBe(4294)
    expect(events[0]?.sacrifice?.score).toBe(4)
    expect(events[0]?.victim).toMatchObject({ pid: 4294, comm: 'node', source: 'killed' })
  })

  it('grep-filtered `dmesg -T` (French) output: the table is marked partial', () => {
    const [e] = parseReports(
      [
        '[dim. 19 avril 18:03:30 2026] [  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name',
        '[dim. 19 avril 18:03:30 2026] [   1365]   990  1365     4420      213      128       85         0    77824       96          -900 systemd-oomd',
        '[dim. 19 avril 18:03:30 2026] [  43056]  1000 43056  7511161  3403343  3388364    14371       608 32583680   518157           200 colmap',
        '[dim. 19 avril 18:03:30 2026] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=colmap,pid=43056,uid=1000',
        '[dim. 19 avril 18:03:30 2026] Out of memory: Killed process 43056 (colmap) total-vm:30044644kB, anon-rss:13553456kB, file-rss:57484kB, shmem-rss:2432kB, UID:1000 pgtables:31820kB oom_score_adj:200'
      ].join('\n')
    )
    expect(e?.timeText).toBe('dim. 19 avril 18:03:30 2026')
    expect(e?.tasks).toHaveLength(2)
    expect(e?.tableStatus).toBe('partial')
    expect(e?.victim?.pid).toBe(43056)
  })
})

describe('hand-wrapped lines in pasted reports', () => {
  it('a summary line and a Killed line wrapped with indentation', () => {
    const [e, ...rest] = parseReports(
      [
        '[  581.376828] python invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0',
        '[  581.507012] oom-kill:constraint=CONSTRAINT_MEMCG, oom_memcg=/process_api/claude-code-bash,',
        '               task=python, pid=2269, uid=0',
        '[  581.513643] Memory cgroup out of memory: Killed process 2269 (python)',
        '               total-vm:31786400kB, anon-rss:13945980kB, file-rss:11996kB,',
        '               shmem-rss:0kB, pgtables:28172kB'
      ].join('\n')
    )
    expect(rest).toEqual([])
    expect(e?.summary).toMatchObject({
      constraint: 'CONSTRAINT_MEMCG',
      oomMemcg: '/process_api/claude-code-bash',
      task: 'python',
      pid: 2269,
      uid: 0,
      truncated: false
    })
    expect(e?.victim).toMatchObject({ pid: 2269, comm: 'python', source: 'killed' })
    expect(e?.killedLines[0]).toMatchObject({
      totalVmKb: 31786400,
      anonRssKb: 13945980,
      fileRssKb: 11996
    })
    expect(e?.constraint).toBe('CONSTRAINT_MEMCG')
  })
})
