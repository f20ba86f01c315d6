/**
 * @module The scenario's boot-time sysctls: /proc/sys/vm knobs and the multi-gen LRU's
 * /sys/kernel/mm/lru_gen/min_ttl_ms (written `lru_gen.min_ttl_ms`).
 */
import { z } from 'zod'

/** vm.* sysctls at boot. */
export const SysctlSpec = z.strictObject({
  'vm.panic_on_oom': z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  'vm.oom_kill_allocating_task': z.union([z.literal(0), z.literal(1)]).optional(),
  'vm.oom_dump_tasks': z.union([z.literal(0), z.literal(1)]).optional(),
  'vm.overcommit_memory': z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  'vm.overcommit_ratio': z.number().int().min(0).optional(),
  'vm.overcommit_kbytes': z.number().int().min(0).optional(),
  'vm.min_free_kbytes': z.number().int().min(128).optional(),
  'vm.watermark_scale_factor': z.number().int().min(1).max(3000).optional(),
  'vm.watermark_boost_factor': z.number().int().min(0).optional(),
  'vm.swappiness': z.number().int().min(0).max(200).optional(),
  'vm.lowmem_reserve_ratio': z.array(z.number().int().min(0)).optional(),
  'vm.user_reserve_kbytes': z.number().int().min(0).optional(),
  'vm.admin_reserve_kbytes': z.number().int().min(0).optional(),
  'vm.dirty_background_ratio': z
    .number()
    .int()
    .min(0)
    .max(100)
    .optional()
    .describe(
      'The flusher starts background writeback above this % of dirtyable memory (the kernel default is 10; unset, only the 5 s periodic flush runs)'
    ),
  'lru_gen.min_ttl_ms': z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      '/sys/kernel/mm/lru_gen/min_ttl_ms (6.1+, machine.config.lruGen): kswapd OOMs to keep the working set this young'
    )
})
