import type { ReactNode } from 'react';

/** The heading of the current view; App moves focus here when the operator switches views. */
export function ViewHeading({ children }: { children: ReactNode }) {
  return (
    <h1 id="view-heading" tabIndex={-1}>
      {children}
    </h1>
  );
}
