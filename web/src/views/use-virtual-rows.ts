/**
 * Virtualised rows with TanStack's virtualiser (virtual-core, framework-free): only the
 * rows in view, plus a few, are in the page, however many the table has.
 */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer, type VirtualItem } from "@tanstack/virtual-core";
import { useLayoutEffect, useReducer, useRef, useState } from "preact/hooks";

export interface VirtualRows {
  readonly items: readonly VirtualItem[];
  readonly totalHeight: number;
  scrollToIndex(index: number): void;
}

export function useVirtualRows(count: number, rowHeightPx: number, scrollElement: () => HTMLElement | null): VirtualRows {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const options = {
    count,
    getScrollElement: scrollElement,
    estimateSize: () => rowHeightPx,
    overscan: 12,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    onChange: () => rerender(undefined),
  };
  const [virtualizer] = useState(() => new Virtualizer<HTMLElement, HTMLElement>(options));
  const mounted = useRef(false);
  virtualizer.setOptions({ ...virtualizer.options, ...options });
  useLayoutEffect(() => {
    mounted.current = true;
    const cleanup = virtualizer._didMount();
    virtualizer._willUpdate();
    rerender(undefined);
    return cleanup;
  }, []);
  useLayoutEffect(() => {
    if (mounted.current) virtualizer._willUpdate();
  });
  return {
    items: virtualizer.getVirtualItems(),
    totalHeight: virtualizer.getTotalSize(),
    scrollToIndex: (index) => virtualizer.scrollToIndex(index, { align: "auto" }),
  };
}
