/** @module The scenario editor's line-number gutter and its error marker. */

/** Number the gutter one row per line of the textarea. */
export function showLineNumbers(gutter: HTMLElement, area: HTMLTextAreaElement): void {
  const n = area.value.split('\n').length
  const rows: string[] = []
  for (let i = 1; i <= n; i++) rows.push(String(i))
  gutter.textContent = rows.join('\n')
  gutter.scrollTop = area.scrollTop
}

/** Mark `line` (1-based) as the one with the mistake, or clear the mark. */
export function markLine(gutter: HTMLElement, line: number | null): void {
  const rows = (gutter.textContent ?? '').split('\n')
  gutter.replaceChildren()
  rows.forEach((row, i) => {
    if (i > 0) gutter.append('\n')
    if (line === i + 1) {
      const mark = document.createElement('span')
      mark.className = 'bad'
      mark.title = 'the mistake is on this line'
      mark.textContent = `▶${row}`
      gutter.append(mark)
    } else gutter.append(row)
  })
}
