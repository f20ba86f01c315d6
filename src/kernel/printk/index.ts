/**
 * @module The printer: every OOM-related printk line rendered per kernel profile, as pure
 * functions of (data, profile).
 */
export * from './header.ts'
export * from './kill-lines.ts'
export * from './memcg-info.ts'
export * from './printf.ts'
export * from './reaper-lines.ts'
export * from './render-report.ts'
export * from './show-mem.ts'
export * from './stack.ts'
export * from './task-table.ts'
export * from './timestamp.ts'
export * from './memcg-stat.ts'
