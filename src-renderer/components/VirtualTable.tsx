import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { visibleRange } from './virtual-range.js';

/** A plain header, or one that sorts the table when activated. */
export type Column = string | { readonly label: string; readonly sort: 'ascending' | 'descending' | 'none'; readonly onSort: () => void };

export interface VirtualTableProps {
  /** The table's accessible name. */
  readonly label: string;
  /** Column headers, in order; the grid template comes from the `className`'s CSS. */
  readonly columns: readonly Column[];
  readonly count: number;
  /** Fixed row height in pixels (matches the CSS), which is what makes windowing this cheap. */
  readonly rowHeight: number;
  /** Cells of row `index` (each a `role="cell"` or `role="rowheader"` element). */
  readonly renderRow: (index: number) => ReactNode;
  readonly rowKey: (index: number) => string | number;
  readonly rowProps?: (index: number) => Record<string, string | boolean | undefined>;
  readonly className?: string;
  readonly empty?: ReactNode;
}

/**
 * A table that renders only the rows in view (a few dozen DOM rows for 100,000 records).
 * Rows have one fixed height, so the window is plain arithmetic (virtual-range.ts) and no
 * measuring library is needed. ARIA table roles with aria-rowcount/aria-rowindex tell screen
 * readers the real size and position; the scroller takes keyboard focus to scroll.
 */
export function VirtualTable({ label, columns, count, rowHeight, renderRow, rowKey, rowProps, className = '', empty }: VirtualTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ scrollTop: 0, viewport: 600 });

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setView({ scrollTop: element.scrollTop, viewport: element.clientHeight });
    measure();
    // One update per frame at most, however fast the wheel turns.
    let frame = 0;
    const onScroll = () => {
      if (frame === 0) frame = requestAnimationFrame(() => ((frame = 0), measure()));
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => {
      element.removeEventListener('scroll', onScroll);
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, []);

  const { start, end } = visibleRange({ ...view, rowHeight, count });
  const rows: ReactNode[] = [];
  for (let index = start; index < end; index++) {
    rows.push(
      <div role="row" key={rowKey(index)} aria-rowindex={index + 2} className="vrow" {...rowProps?.(index)} style={{ transform: `translateY(${index * rowHeight}px)` }}>
        {renderRow(index)}
      </div>,
    );
  }

  return (
    <div role="table" aria-label={label} aria-rowcount={count + 1} className={`vtable ${className}`}>
      <div role="rowgroup" className="vhead">
        <div role="row" aria-rowindex={1} className="vrow vrow-head">
          {columns.map((column) =>
            typeof column === 'string' ? (
              <div role="columnheader" key={column}>
                {column}
              </div>
            ) : (
              <div role="columnheader" key={column.label} aria-sort={column.sort}>
                <button type="button" className="sort" onClick={column.onSort}>
                  {column.label}
                  <span aria-hidden="true">{column.sort === 'ascending' ? ' ▲' : column.sort === 'descending' ? ' ▼' : ''}</span>
                  <span className="visually-hidden">, sort</span>
                </button>
              </div>
            ),
          )}
        </div>
      </div>
      {/* Focusable so that keyboard users can scroll it; labelled for what it holds. */}
      <div ref={scroller} className="vscroll" tabIndex={0} role="rowgroup" aria-label={`${label}: ${count} row${count === 1 ? '' : 's'}`}>
        {count === 0 ? (
          <div role="row">
            <div role="cell" className="vempty">
              {empty}
            </div>
          </div>
        ) : (
          <div className="vspacer" style={{ height: `${count * rowHeight}px` }}>
            {rows}
          </div>
        )}
      </div>
    </div>
  );
}
