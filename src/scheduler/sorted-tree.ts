import sortedBtree from "sorted-btree";

type SortedTreeClass = typeof sortedBtree.default;

/**
 * The B+ tree of `sorted-btree`, as a class ESM code can construct. The package is
 * CommonJS with `exports.default`: Node's ESM loader hands us the exports object
 * (class one level down), bundlers such as vitest's hand us the class itself.
 */
export const SortedTree: SortedTreeClass =
  (sortedBtree as unknown as { default?: SortedTreeClass }).default ?? (sortedBtree as unknown as SortedTreeClass);
export type SortedTree<K, V> = InstanceType<typeof sortedBtree.default<K, V>>;
