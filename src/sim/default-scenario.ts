/**
 * @module The built-in default scenario (`oomkit simulate` with no FILE): seed 003's run, an
 * 8 GiB QEMU guest with no swap on 6.11 where `stress-ng -m 1 --vm-bytes 10G` grows its worker
 * until the page allocator fails a page-table allocation and the OOM killer takes pid 116.
 * The text is also shipped as examples/stress-ng-6.11.yaml (a test keeps the two identical).
 */
export const DEFAULT_SCENARIO_NAME = 'stress-ng-6.11.yaml'

/** The default scenario's YAML text (parse it with parseScenario). */
export const DEFAULT_SCENARIO_YAML = `# The default scenario: seed 003 / cnnotes611_1.log.
# An 8 GiB QEMU guest (no swap, initramfs root on ramfs) running Linux 6.11 with
# vm.overcommit_memory=1. stress-ng's VM worker (pid 116, oom_score_adj 1000) maps 10 GiB and
# touches it page by page; its siblings run at oom_score_adj -1000. The OOM comes when the
# Normal zone reaches its min watermark and the next page-table page (pte_alloc_one,
# GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO) cannot be allocated: the lower zones are held back
# by lowmem_reserve for a GFP_KERNEL request, while the movable anon pages could still use them.
name: stress-ng 10G on an 8 GiB guest (Linux 6.11)
description: Seed 003's stress-ng run; pid 116 is killed with 1995157 anon pages resident.
profile: '6.11'
seed: 3
duration: 60s
machine:
  hz: 1000
  cpus: 2
  kernelRelease: 6.11.0-10669-g11a299a7933e-dirty
  build: '#15'
  hardware: QEMU Standard PC (Q35 + ICH9, 2009), BIOS Arch Linux 1.16.3-1-1 04/01/2014
  config: { thp: false, hugetlb: true, cma: true, memoryFailure: true, lruGen: true }
  nodes:
    # Per-CPU page lists: on 6.11 the model runs them (nr_pcp_alloc() refills of up to 63 << 5
    # pages behind each zone's watermark check; src/kernel/mm/pcp-lists.ts): the grower faults
    # on CPU 1 (the last CPU, the report's "CPU: 1"), and what its lists and the buddy lists hold
    # at the OOM comes from that. Two assumptions where the log shows no history:
    # - pcp - localPcp is what CPU 0's lists hold from before the run (nothing here says what
    #   CPU 0 allocated or freed): the seed's free_pcp - local_pcp, DMA32 306 and Normal 1454
    #   pages, kept as they are;
    # - localPcp is what CPU 1's movable list held when the grower started (what stress-ng's
    #   start-up left): 622 Normal pages, the smallest count that puts the grower's last
    #   page-table allocation on the seed's 512-page boundary (rss 1995298; without them the
    #   refills fall 2 boundaries later).
    - zones:
        # DMA: the seed's active_anon:14296kB leaves 256 used pages (1 MiB) off the LRU; the
        # scenario counts them as kernel memory (part of kernel.other) held there since boot.
        - type: DMA
          present: 15992kB
          managed: 15360kB
          kernelOther: 1M
        # The initrd was freed after boot: watermarks and lowmem_reserve were computed with
        # fewer managed DMA32 pages (that is why low-min is 485 pages, not 491).
        - type: DMA32
          present: 2080640kB
          managed: 1964520kB
          bootManaged: 1940800kB
          pcp: 1224kB
          localPcp: 0kB
        - { type: Normal, present: 6291456kB, managed: 6138744kB, pcp: 8304kB, localPcp: 2488kB }
  swap: []
  hugepages:
    - { sizeKb: 1048576, total: 0 }
    - { sizeKb: 2048, total: 0 }
  kernel:
    slabReclaimable: 878
    slabUnreclaimable: 5771
    kernelStack: 516
    pagetables: 37
    # Kernel memory no counter shows: the managed pages less everything seed 003's Mem-Info
    # prints (free and free_pcp included, the anon LRU counted as the task rss).
    other: 4570
sysctl:
  vm.overcommit_memory: 1
files:
  # The initramfs root (ramfs: unevictable page cache, 4653 pages) and stress-ng's shared memory
  # segment. Which initramfs pages each process maps is not in the log; NR_FILE_MAPPED counts a
  # page once however many processes map it, and the seed's mapped:4760 less the 4128 shm pages
  # leaves 632 distinct file pages among rss_file 257 + 452 + 186 + 141. The scenario assumes the
  # smallest sharing that gives it: every process maps the same 77 C-library pages, sh 180 pages
  # of busybox, and the stress-ng processes pages of one stress-ng binary (114 the most, 375).
  - { path: /lib/libc.so.6, size: 77, fs: ramfs }
  - { path: /bin/busybox, size: 180, fs: ramfs }
  - { path: /usr/bin/stress-ng, size: 375, fs: ramfs }
  - { path: /, size: 4021, fs: ramfs }
  - { path: /dev/shm/stress-ng, size: 4157, fs: tmpfs }
processes:
  - pid: 1
    comm: init
    ppid: 0
    rss: { anon: 0 }
    pgtables: 4
  - pid: 111
    comm: sh
    totalVm: 431
    pgtables: 12
    vmas:
      - { name: heap, size: 32, resident: 32 }
      - { name: text, size: 180, kind: file, file: /bin/busybox, resident: 180 }
      - { name: libc, size: 77, kind: file, file: /lib/libc.so.6, resident: 77 }
  - pid: 114
    comm: stress-ng
    ppid: 111
    oom_score_adj: -1000
    totalVm: 7500
    pgtables: 22
    vmas:
      - { name: heap, size: 96, resident: 96 }
      - { name: text, size: 372, kind: file, file: /usr/bin/stress-ng, resident: 372 }
      # Normal's mlocked:12kB with unevictable no more than the ramfs pages: 3 locked pages of
      # ramfs (already unevictable; mlock_folio() only counts them in NR_MLOCK). Which pages
      # were locked is not in the log: the scenario assumes 3 pages of stress-ng's binary.
      - { name: locked, size: 3, kind: file, file: /usr/bin/stress-ng, locked: true, resident: 3 }
      - { name: libc, size: 77, kind: file, file: /lib/libc.so.6, resident: 77 }
      - name: shm
        size: 4128
        kind: shmem
        file: /dev/shm/stress-ng
        shared: true
        resident: 4128
  - pid: 115
    comm: stress-ng-vm
    ppid: 114
    oom_score_adj: -1000
    totalVm: 7501
    pgtables: 15
    vmas:
      - { name: heap, size: 84, resident: 84 }
      - { name: text, size: 375, kind: file, file: /usr/bin/stress-ng, resident: 109 }
      - { name: libc, size: 77, kind: file, file: /lib/libc.so.6, resident: 77 }
  - pid: 116
    comm: stress-ng-vm
    ppid: 115
    oom_score_adj: 1000
    totalVm: 2628942
    pgtables: 16
    exit: { delay: 5ms }
    # The registers the report printed under its call trace (the faulting store in stress-ng).
    userRegs:
      rip: '56095b546735'
      code: '99 00 41 54 49 89 fa 55 48 89 cd 48 01 fa 53 4c 8b 59 10 4c 39 ca 0f 83 01 01 00 00 31 c9 0f 1f 80 00 00 00 00 89 cf 83 c1 01 <40> 88 3a 48 8b 3d 61 ea 99 00 48 01 fa 4c 39 ca 72 e9 48 89 f0 31'
      rsp: '7fff6c0c9f80'
      eflags: '10202'
      rax: '10'
      rbx: '7f1bc2cb4000'
      rcx: '79c5301'
      rdx: '7f1da9e00000'
      rsi: '280000000'
      rdi: '79c5300'
      rbp: '7f1e43cf23a8'
      r8: '0'
      r9: '7f1e42cb4000'
      r10: '7f1bc2cb4000'
      r11: '0'
      r12: '280000000'
      r13: '0'
      r14: '1000'
      r15: '7fff6c0ca0e0'
    vmas:
      - { name: heap, size: 1097, resident: 1097 }
      - { name: text, size: 375, kind: file, file: /usr/bin/stress-ng, resident: 64 }
      - { name: libc, size: 77, kind: file, file: /lib/libc.so.6, resident: 77 }
      # stress-ng --vm-bytes 10G: one 10 GiB private anonymous mapping, touched in order.
      - { name: buf, start: 0x7f1bc2cb4000, size: 10G }
timeline:
  - { at: 28.8s, do: touch, pid: 116, vma: buf, size: 4M, every: 1ms, until: killed }
expect:
  victims: [116]
  panic: false
  logContains:
    - 'stress-ng-vm invoked oom-killer: gfp_mask=0x440dc0(GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=1000'
    - 'Out of memory: Killed process 116 (stress-ng-vm) total-vm:10515768kB, anon-rss:7980628kB, file-rss:564kB, shmem-rss:0kB, UID:0 pgtables:15676kB oom_score_adj:1000'
`
