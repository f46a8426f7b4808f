import { useEffect, useRef, type ReactNode } from 'react';

// Set when the operator switches views; the next heading to mount takes focus. A view that
// loads lazily mounts its heading later than the switch, so App cannot focus it directly.
let focusRequested = false;

export function requestHeadingFocus(): void {
  focusRequested = true;
  document.getElementById('view-heading')?.focus();
}

/** The heading of the current view; keyboard and screen-reader users land here after a switch. */
export function ViewHeading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!focusRequested) return;
    focusRequested = false;
    ref.current?.focus();
  }, []);
  return (
    <h1 id="view-heading" tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}
