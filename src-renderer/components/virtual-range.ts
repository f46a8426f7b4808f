/** The rows to render for a fixed-height list: those in view, plus `overscan` either side. */
export function visibleRange(options: { scrollTop: number; viewport: number; rowHeight: number; count: number; overscan?: number }): { start: number; end: number } {
  const { scrollTop, viewport, rowHeight, count, overscan = 8 } = options;
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewport)) / rowHeight);
  return { start: Math.min(count, Math.max(0, first - overscan)), end: Math.min(count, last + overscan) };
}
